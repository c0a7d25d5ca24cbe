#!/bin/sh
# Builds the recipe's boot images where CattlePi's builder leaves them (builder/latest/output/):
# initramfs.tgz and rootfs.sqsh. These are the simulator's stand-ins, small tar archives: the root
# one holds a cattlepi-manifest (what the simulated Pi boots) and the files the image adds, among
# them a self-test the battery in tests/raspbian_cattlepi/ runs on the booted Pi.
# Markers: BOOT_TEST_FAIL builds a self-test that fails; CORRUPT_IMAGE asks the simulated Pi to
# store the root image corrupted (its md5sum check then fails and the Pi boot-loops).
set -eu
recipe="$1"
out=builder/latest/output
stage=builder/latest/stage
rm -rf "$stage" "$out"
mkdir -p "$out" "$stage/initfs" "$stage/rootfs/etc/cattlepi-image" "$stage/rootfs/usr/local/bin"
commit=$(git rev-parse HEAD)
printf 'initramfs for %s at %s\n' "$recipe" "$commit" > "$stage/initfs/cattlepi-initramfs"
{
  echo "recipe=$recipe"
  echo "commit=$commit"
  if [ -f CORRUPT_IMAGE ]; then echo "simulate=corrupt-download"; fi
} > "$stage/rootfs/cattlepi-manifest"
echo "$commit" > "$stage/rootfs/etc/cattlepi-image/commit"
echo "Welcome to $recipe, built from $commit" > "$stage/rootfs/etc/motd"
if [ -f BOOT_TEST_FAIL ]; then verdict='echo "self-test: the image is broken" >&2; exit 1'; else verdict='echo "self-test: ok"'; fi
cat > "$stage/rootfs/usr/local/bin/cattlepi-selftest" <<SELFTEST
#!/bin/sh
# Built into the image: what its boot test runs on the booted Pi.
test -s /etc/cattlepi-image/commit || { echo "self-test: no commit in the image" >&2; exit 2; }
$verdict
SELFTEST
chmod 755 "$stage/rootfs/usr/local/bin/cattlepi-selftest"
tar -C "$stage/initfs" -czf "$out/initramfs.tgz" cattlepi-initramfs
tar -C "$stage/rootfs" -cf "$out/rootfs.sqsh" cattlepi-manifest etc usr
rm -rf "$stage"
echo "images in $out:"
(cd "$out" && md5sum initramfs.tgz rootfs.sqsh)
