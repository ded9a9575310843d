#!/usr/bin/env bash
# Installs the .NET Interactive C# kernel (.net-csharp) into Debian's Jupyter (apt-get install jupyter-nbconvert
# python3-ipykernel). Without Debian's jupyter-client package (the `jupyter kernelspec` command) the tool's installer
# writes into ~/.local/share/jupyter/kernels itself and fails when that folder does not exist yet:
#   The kernelspec path /root/.local/share/jupyter/kernels does not exist.  Failed to install ".NET (C#)" kernel.
# This script creates the folder (the first of `jupyter --paths` data dirs, ~/.local/share/jupyter on Linux), runs the
# tool's installer, and if that still fails writes the same kernelspec there itself.
#   notebooks/install-dotnet-kernel.sh            (uses dotnet-interactive 1.0.712001, the version the notebooks use)
set -euo pipefail
VERSION=${DOTNET_INTERACTIVE_VERSION:-1.0.712001}

command -v jupyter >/dev/null || { echo "jupyter not found: apt-get install jupyter-nbconvert python3-ipykernel (Debian) or pip install jupyter" >&2; exit 1; }
export PATH="$PATH:$HOME/.dotnet/tools"
if ! dotnet interactive --version >/dev/null 2>&1; then
  dotnet tool install -g Microsoft.dotnet-interactive --version "$VERSION"
fi

# The per-user kernels directory (jupyter --data-dir is ~/.local/share/jupyter on Linux).
kernels="$(jupyter --data-dir 2>/dev/null)/kernels"
mkdir -p "$kernels"

if ! dotnet interactive jupyter install; then
  echo "dotnet interactive jupyter install failed; writing the .net-csharp kernelspec to $kernels" >&2
  spec="$kernels/.net-csharp"
  mkdir -p "$spec"
  cat > "$spec/kernel.json" <<'JSON'
{
  "argv": ["dotnet", "interactive", "jupyter", "--default-kernel", "csharp", "--http-port-range", "2048-3000", "{connection_file}"],
  "display_name": ".NET (C#)",
  "language": "C#"
}
JSON
fi

# `jupyter kernelspec list` needs jupyter-client; the folder listing does not.
jupyter kernelspec list 2>/dev/null || ls -1 "$kernels"
