"""Writes Fuzz/corpus/osc/seed-*.osc: tiny OIM .osc files in the layout OscFile reads (one and two phases,
2 x 2 and 3 x 2 points, 10 and 12 columns), made here from scratch, for the osc fuzzer's corpus."""
import struct
import sys

MARKER = bytes([0xB9, 0x0B, 0xEF, 0xFF])


def phase_record(name, code, cell, families, formula, size):
    r = name.encode().ljust(256, b"\0") + struct.pack("<i", code) + struct.pack("<6f", *cell)
    r += struct.pack("<i", len(families)) + b"".join(struct.pack("<3i", *f) for f in families)
    r += formula.encode() + b"\0"
    return r.ljust(size, b"\0")


def osc(phases, rows, cols, step, columns):
    n = rows * cols
    pre = struct.pack("<8I", 0, 1, 0, 0, cols - 1, rows - 1, n, 2).ljust(1860, b"\0")
    pre += struct.pack("<4f", 0.5, 0.7, 0.55, 15.0)
    pre = pre.ljust(1992, b"\0")
    body = struct.pack("<fI", 1.0, len(phases)) + b"".join(phases)
    start = len(pre)
    block1 = MARKER + struct.pack("<II", 1, start + 12 + len(body)) + body
    pts = struct.pack("<2f", step, step)
    for r in range(rows):
        for c in range(cols):
            row = [0.1 * r, 0.2 * c, 0.3, c * step, r * step, 900.0 + r, 0.5, (r + c) % len(phases) + 1, 1.0, 0.7]
            pts += struct.pack("<%df" % columns, *(row + [0.0] * (columns - 10)))
    start2 = start + len(block1)
    block2 = MARKER + struct.pack("<II", 2, start2 + 12 + len(pts)) + pts
    return pre + block1 + block2


fe = phase_record("Ferrite", 43, (2.87, 2.87, 2.87, 90, 90, 90), [(0, 1, 1), (0, 0, 2)], "Fe", 400)
ni = phase_record("Nickel", 43, (3.52, 3.52, 3.52, 90, 90, 90), [(1, 1, 1)], "Ni", 400)
folder = sys.argv[1] if len(sys.argv) > 1 else "Fuzz/corpus/osc"
open(f"{folder}/seed-one-phase.osc", "wb").write(osc([fe], 2, 2, 0.5, 10))
open(f"{folder}/seed-two-phases.osc", "wb").write(osc([fe, ni], 3, 2, 0.25, 12))
