#!/usr/bin/env bash
# Install Debian's PyTorch (python3-torch 1.13.1 on bookworm) with OpenBLAS and python3-onnx 1.12
# (onnx.checker for the ONNX export tests), and
# say which BLAS torch really loads. Safe to run again: it only installs what is
# missing and only switches the BLAS alternative when it points elsewhere.
#
#   sudo bash tools/install-pytorch.sh      (root is needed for apt-get)
#
# Afterwards run the Python tools with /usr/bin/python3: a pyenv/venv python3
# earlier on PATH does not see Debian's dist-packages.
set -euo pipefail

PACKAGES=(python3-torch python3-numpy libopenblas0-pthread python3-onnx)
ARCH_TRIPLET=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
OPENBLAS_DIR=/usr/lib/$ARCH_TRIPLET/openblas-pthread

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

# Another developer may be running apt at the same time: wait for the dpkg
# lock (DPkg::Lock::Timeout) and retry a few times on top of that.
apt_retry() {
  local i
  for i in 1 2 3 4 5; do
    if DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 "$@"; then
      return 0
    fi
    echo "apt-get $1 failed (attempt $i), retrying in 15 s" >&2
    sleep 15
  done
  return 1
}

if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  apt_retry update -qq
  apt_retry install -y -qq "${missing[@]}"
else
  echo "already installed: ${PACKAGES[*]}"
fi

# Debian's torch links the generic libblas.so.3 / liblapack.so.3; the
# alternatives system decides whether that is OpenBLAS or the (much slower)
# reference BLAS. Point both at OpenBLAS.
for lib in libblas.so.3 liblapack.so.3; do
  name=$lib-$ARCH_TRIPLET
  want=$OPENBLAS_DIR/$lib
  if [[ -e $want ]]; then
    now=$(readlink -f "/usr/lib/$ARCH_TRIPLET/$lib" || true)
    if [[ $now != "$(readlink -f "$want")" ]]; then
      echo "selecting $want for $name (was $now)"
      update-alternatives --set "$name" "$want"
    fi
  else
    echo "warning: $want not found; $lib stays $(readlink -f "/usr/lib/$ARCH_TRIPLET/$lib")" >&2
  fi
done

# Which BLAS does torch load in practice? Do a matmul, then read the shared
# objects this process mapped.
/usr/bin/python3 - <<'EOF'
import torch, numpy
torch.mm(torch.ones(64, 64), torch.ones(64, 64))
libs = sorted({line.split()[-1] for line in open("/proc/self/maps")
               if "blas" in line.lower() or "lapack" in line.lower()})
print("torch", torch.__version__, "numpy", numpy.__version__)
print("BLAS libraries mapped by torch:")
for lib in libs:
    print("  " + lib)
if not any("openblas" in lib for lib in libs):
    raise SystemExit("warning: torch is not using OpenBLAS")
EOF
