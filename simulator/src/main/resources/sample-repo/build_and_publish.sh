#!/bin/sh
# The weekly release build, like CattlePi's tools/autobuild/build_and_publish.sh: builds one
# recipe on the Pi in $BUILDER_NODE (the recipe reboots it) and "publishes" the image's info.
set -eu
recipe="${1:?usage: build_and_publish.sh RECIPE}"
case "$recipe" in
raspbian_cattlepi|raspbian_stock) ;;
*) echo "unknown recipe: $recipe" >&2; exit 64 ;;
esac
./recipe.sh raspbian_cattlepi
stamp=$(date -u +%Y_%m_%d_%H%M%S)
mkdir -p "artifacts/autobuild/$recipe/$stamp"
{
  echo "INITFS=images/global/autobuild/$recipe/$stamp/initramfs.tgz"
  echo "INITFSMD5=$(echo "$recipe initfs $stamp" | md5sum | cut -d' ' -f1)"
  echo "ROOTFS=images/global/autobuild/$recipe/$stamp/rootfs.sqsh"
  echo "ROOTFSMD5=$(echo "$recipe rootfs $stamp" | md5sum | cut -d' ' -f1)"
} > "artifacts/autobuild/$recipe/$stamp/info.sh"
echo "published $recipe $stamp"
