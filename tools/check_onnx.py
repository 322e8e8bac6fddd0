#!/usr/bin/python3
"""Runs onnx.checker.check_model (full_check: with shape inference) on each file given; prints one
line per file and exits 1 if any fails. Debian's python3-onnx 1.12 (IR 8, opset 17):

    /usr/bin/python3 tools/check_onnx.py model.onnx [more.onnx ...]
"""
import sys

import onnx

failed = 0
for path in sys.argv[1:]:
    try:
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        print(f"ok {path} (ir {model.ir_version}, opset {model.opset_import[0].version})")
    except Exception as e:  # report every file, then fail
        failed += 1
        print(f"FAIL {path}: {type(e).__name__}: {str(e)[:300]}")
sys.exit(1 if failed else 0)
