#!/usr/bin/env bash
# Regenerates src/Recur.Onnx/Proto/Onnx.g.cs from onnx.proto with the protoc that the
# Google.Protobuf.Tools package ships (restored by `dotnet restore src/Recur.Onnx`).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet restore src/Recur.Onnx >/dev/null
version=$(sed -n 's/.*"Google.Protobuf.Tools" Version="\([^"]*\)".*/\1/p' src/Recur.Onnx/Recur.Onnx.csproj)
root=${NUGET_PACKAGES:-$HOME/.nuget/packages}/google.protobuf.tools/$version/tools
case "$(uname -m)" in
  x86_64) arch=linux_x64 ;;
  aarch64) arch=linux_aarch64 ;;
  *) echo "no protoc for $(uname -m) in Google.Protobuf.Tools" >&2; exit 1 ;;
esac
protoc=$root/$arch/protoc
chmod +x "$protoc"
out=$(mktemp -d)
"$protoc" --proto_path=src/Recur.Onnx/Proto --proto_path="$root" \
  --csharp_out="$out" --csharp_opt=internal_access,file_extension=.g.cs \
  src/Recur.Onnx/Proto/onnx.proto
mv "$out/Onnx.g.cs" src/Recur.Onnx/Proto/Onnx.g.cs
rmdir "$out"
echo "wrote src/Recur.Onnx/Proto/Onnx.g.cs (protoc $("$protoc" --version))"
