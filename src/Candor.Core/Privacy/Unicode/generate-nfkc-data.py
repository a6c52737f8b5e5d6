#!/usr/bin/env python3
"""Writes nfkc.bin, the tables UnicodeFolding needs to compute NFKC without the platform.

Why not string.Normalize: Candor builds with InvariantGlobalization, where .NET's Normalize returns its input
unchanged, so the collector would silently skip normalisation. These tables make the result the same on every
platform and target (netstandard2.0 on .NET Framework, Mono and Unity; net10.0 on the server).

Run with the Python whose Unicode version the tables should follow (python3 -c "import unicodedata;
print(unicodedata.unidata_version)"); the output is deterministic for one Python version.
Usage: python3 generate-nfkc-data.py > nfkc.bin

Layout (little-endian):
  "NFKC" u8 format-version(1) u8 unicode-major u8 unicode-minor u8 reserved
  i32 n, then n x (i32 codepoint, u8 length, length x u16): full compatibility decomposition (NFKD) of each
      code point that has one, Hangul syllables excluded (they decompose by formula)
  i32 n, then n x (i32 codepoint, u8 class): canonical combining class of each code point whose class is not 0
  i32 n, then n x (i32 first, i32 second, i32 composite): canonical compositions, exclusions left out
  i32 n, then n x i32: the code point of digit zero of each run of ten decimal digits (Nd) outside ASCII
"""
import struct
import sys
import unicodedata

SURROGATES = range(0xD800, 0xE000)
HANGUL = range(0xAC00, 0xD7A4)


def code_points():
    for cp in range(0x110000):
        if cp not in SURROGATES:
            yield cp


def utf16(text):
    data = text.encode("utf-16-le")
    return struct.unpack("<%dH" % (len(data) // 2), data)


def main():
    out = bytearray(b"NFKC")
    major, minor, _ = (int(p) for p in unicodedata.unidata_version.split("."))
    out += struct.pack("<BBBB", 1, major, minor, 0)

    decompositions = []
    for cp in code_points():
        if cp in HANGUL:
            continue
        c = chr(cp)
        d = unicodedata.normalize("NFKD", c)
        if d != c:
            units = utf16(d)
            assert len(units) < 256
            decompositions.append((cp, units))
    out += struct.pack("<i", len(decompositions))
    for cp, units in decompositions:
        out += struct.pack("<iB", cp, len(units)) + struct.pack("<%dH" % len(units), *units)

    classes = [(cp, unicodedata.combining(chr(cp))) for cp in code_points() if unicodedata.combining(chr(cp))]
    out += struct.pack("<i", len(classes))
    for cp, ccc in classes:
        out += struct.pack("<iB", cp, ccc)

    pairs = []
    for cp in code_points():
        if cp in HANGUL:
            continue
        c = chr(cp)
        raw = unicodedata.decomposition(c)
        if not raw or raw.startswith("<"):
            continue
        parts = [int(p, 16) for p in raw.split()]
        # A primary composite: NFC gives it back from its decomposition (composition exclusions do not).
        if len(parts) == 2 and unicodedata.normalize("NFC", unicodedata.normalize("NFD", c)) == c:
            pairs.append((parts[0], parts[1], cp))
    out += struct.pack("<i", len(pairs))
    for first, second, composite in pairs:
        out += struct.pack("<iii", first, second, composite)

    zeros = [cp for cp in code_points() if cp > 0x7F and unicodedata.category(chr(cp)) == "Nd"
             and unicodedata.decimal(chr(cp)) == 0]
    for zero in zeros:
        assert all(unicodedata.decimal(chr(zero + i), -1) == i for i in range(10)), hex(zero)
    out += struct.pack("<i", len(zeros))
    for zero in zeros:
        out += struct.pack("<i", zero)

    sys.stdout.buffer.write(bytes(out))


if __name__ == "__main__":
    main()
