#!/bin/bash
# Which candidate matchers install without a compiler: for each package, OS/architecture and
# CPython 3.10-3.14, `pip download --only-binary=:all:` with that OS's usual platform tags.
# Prints one line per combination ("PACKAGE OS PYTHON OK wheel-file" or "... MISSING"), then a
# Markdown table. Needs only pip and the package index.
#     bash bench/wheels.sh [PACKAGE ...]
set -u
packages=("$@")
[ ${#packages[@]} -eq 0 ] && packages=(ahocorasick-rs pyahocorasick hyperscan google-re2)
declare -A PL
PL[linux-x86_64]="--platform manylinux2014_x86_64 --platform manylinux_2_28_x86_64 --platform manylinux_2_34_x86_64 --platform musllinux_1_2_x86_64"
PL[linux-aarch64]="--platform manylinux2014_aarch64 --platform manylinux_2_28_aarch64 --platform manylinux_2_34_aarch64"
PL[macos-arm64]="--platform macosx_15_0_arm64 --platform macosx_15_0_universal2"
PL[macos-x86_64]="--platform macosx_15_0_x86_64 --platform macosx_15_0_universal2"
PL[windows-amd64]="--platform win_amd64"
pythons=(3.10 3.11 3.12 3.13 3.14)
oses=(linux-x86_64 linux-aarch64 macos-arm64 macos-x86_64 windows-amd64)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
declare -A RESULT
for pkg in "${packages[@]}"; do
  for os in "${oses[@]}"; do
    for py in "${pythons[@]}"; do
      d="$scratch/$pkg/$os/$py"; mkdir -p "$d"
      # shellcheck disable=SC2086
      if pip download "$pkg" --no-deps --only-binary=:all: ${PL[$os]} --python-version "$py" \
          -d "$d" -q >/dev/null 2>&1; then
        echo "$pkg $os $py OK $(ls "$d")"; RESULT[$pkg,$os,$py]=yes
      else
        echo "$pkg $os $py MISSING"; RESULT[$pkg,$os,$py]=**no**
      fi
    done
  done
done
echo
header="| package | OS |"
for py in "${pythons[@]}"; do header="$header CPython $py |"; done
echo "$header"
echo "| --- | --- |$(printf ' --- |%.0s' "${pythons[@]}")"
for pkg in "${packages[@]}"; do
  for os in "${oses[@]}"; do
    row="| $pkg | $os |"
    for py in "${pythons[@]}"; do row="$row ${RESULT[$pkg,$os,$py]} |"; done
    echo "$row"
  done
done
