#!/bin/bash
# Like CattlePi's tools/util/recipe_runner.sh: an inventory holding only the builder node, then the
# recipe's playbook. Markers: ANSIBLE_FAIL adds a failing task, ANSIBLE_BAD_HOST points the
# inventory at an address where no Pi answers.
recipe="$1"
host="${BUILDER_NODE:?BUILDER_NODE is not set}"
if [ -f ANSIBLE_BAD_HOST ]; then host="127.0.0.1 ansible_port=1"; fi
mkdir -p build
printf '[buildernodes]\n%s\n' "$host" > build/inventory
extra=()
if [ -f ANSIBLE_FAIL ]; then extra=(-e fail_task=true); fi
echo "processing recipe $recipe on $BUILDER_NODE"
if ! ansible-playbook -i build/inventory "recipes/$recipe/playbook.yml" "${extra[@]}"; then
  echo "failed processing recipe $recipe"
  exit 1
fi
echo "done processing recipe $recipe"
