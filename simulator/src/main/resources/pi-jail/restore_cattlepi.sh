#!/bin/sh
# Restores the CattlePi initramfs onto the boot partition and reboots into it: the CattlePi
# image then re-flashes stock Raspbian and reboots again.
if [ "$(id -u)" != 0 ]; then
  echo "restore_cattlepi.sh: must run as root" >&2
  exit 1
fi
echo "restoring cattlepi"
printf 'restore 0\n' > /run/cattlepi-sim/control
# The reboot ends this script with the rest of the Pi, as on a real one.
sleep 30
echo "restore_cattlepi.sh: the Pi did not reboot" >&2
exit 1
