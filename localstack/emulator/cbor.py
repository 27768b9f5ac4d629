"""A small CBOR (RFC 8949) codec for the Smithy RPC v2 CBOR protocol.

decode() reads every major type: unsigned/negative integers (0/1), byte and text strings
(2/3) with definite lengths or indefinite lengths (a run of definite-length chunks of the
same major type, ended by the break byte 0xFF), arrays and maps (4/5) with definite or
indefinite lengths (items until 0xFF), tags (6: tag 1, an epoch-seconds timestamp whose
content is an integer or a float, decodes to Tag(1, seconds); any other tag to Tag(n, item))
and simple values / floats (7: false, true, null, undefined, half/single/double floats).
Malformed input (truncated, trailing bytes, a break outside an indefinite item, a chunk of
another type, a reserved additional-info value, invalid UTF-8) raises CborError.

encode() writes definite lengths, integers in their shortest form, floats as doubles, and
Tag values as a tag and their content (what AWS answers: tag 1 with a double for a timestamp).
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass

BREAK = 0xFF
MAX_DEPTH = 128  # nesting limit (the Rust SDK's own inputs nest a handful of levels)


class CborError(ValueError):
    """The bytes are not one well-formed CBOR data item."""


@dataclass(frozen=True)
class Tag:
    tag: int
    value: object


class Undefined:
    """CBOR's `undefined` (simple value 23); decoded, never produced by Smithy clients."""

    def __repr__(self) -> str:
        return "undefined"


UNDEFINED = Undefined()


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        end = self.pos + n
        if end > len(self.data):
            raise CborError(f"truncated: {n} byte(s) wanted at offset {self.pos}, {len(self.data) - self.pos} left")
        out = self.data[self.pos:end]
        self.pos = end
        return out

    def peek(self) -> int:
        if self.pos >= len(self.data):
            raise CborError(f"truncated at offset {self.pos}")
        return self.data[self.pos]

    def argument(self, info: int) -> int:
        """The head's argument (additional info 0-27); 28-31 are the caller's to handle."""
        if info < 24:
            return info
        if info <= 27:
            return int.from_bytes(self.take(1 << (info - 24)), "big")
        raise CborError(f"reserved or unexpected additional info {info} at offset {self.pos - 1}")

    def item(self, depth: int = 0) -> object:
        if depth > MAX_DEPTH:
            raise CborError("nested too deeply")
        start = self.pos
        head = self.take(1)[0]
        if head == BREAK:
            raise CborError(f"break byte outside an indefinite-length item at offset {start}")
        major, info = head >> 5, head & 0x1F
        if major == 0:
            return self.argument(info)
        if major == 1:
            return -1 - self.argument(info)
        if major in (2, 3):
            raw = self.chunks(major, info) if info == 31 else self.take(self.argument(info))
            if major == 2:
                return raw
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise CborError(f"text string at offset {start} is not UTF-8: {e}") from None
        if major == 4:
            if info == 31:
                items = []
                while self.peek() != BREAK:
                    items.append(self.item(depth + 1))
                self.pos += 1
                return items
            return [self.item(depth + 1) for _ in range(self.argument(info))]
        if major == 5:
            out: dict[object, object] = {}
            if info == 31:
                while self.peek() != BREAK:
                    self.pair(out, depth)
                self.pos += 1
            else:
                for _ in range(self.argument(info)):
                    self.pair(out, depth)
            return out
        if major == 6:
            tag = self.argument(info)
            value = self.item(depth + 1)
            if tag == 1 and (isinstance(value, bool) or not isinstance(value, (int, float))):
                raise CborError(f"tag 1 (epoch time) at offset {start} holds {type(value).__name__}, not a number")
            return Tag(tag, value)
        return self.simple(info, start)

    def chunks(self, major: int, info: int) -> bytes:
        """An indefinite-length byte/text string: definite chunks of the same type until break."""
        parts = []
        while self.peek() != BREAK:
            head = self.take(1)[0]
            if head >> 5 != major or head & 0x1F == 31:
                raise CborError(f"bad chunk 0x{head:02x} in an indefinite-length string (major type {major})")
            parts.append(self.take(self.argument(head & 0x1F)))
        self.pos += 1
        return b"".join(parts)

    def pair(self, out: dict[object, object], depth: int) -> None:
        key = self.item(depth + 1)
        if isinstance(key, (list, dict)):
            raise CborError("a map key that is an array or a map")
        out[key] = self.item(depth + 1)  # type: ignore[index]

    def simple(self, info: int, start: int) -> object:
        if info == 20:
            return False
        if info == 21:
            return True
        if info == 22:
            return None
        if info == 23:
            return UNDEFINED
        if info == 25:
            return float(struct.unpack(">e", self.take(2))[0])
        if info == 26:
            return float(struct.unpack(">f", self.take(4))[0])
        if info == 27:
            return float(struct.unpack(">d", self.take(8))[0])
        if info < 20:
            return Tag(-1, info)  # an unassigned simple value: kept, Smithy never sends one
        if info == 24:
            v = self.take(1)[0]
            if v < 32:
                raise CborError(f"two-byte simple value {v} < 32 at offset {start}")
            return Tag(-1, v)
        raise CborError(f"reserved additional info {info} for major type 7 at offset {start}")


def decode(data: bytes) -> object:
    """The one data item `data` holds (CborError if it holds anything else)."""
    r = _Reader(bytes(data))
    value = r.item()
    if r.pos != len(r.data):
        raise CborError(f"{len(r.data) - r.pos} trailing byte(s) after the data item")
    return value


def _head(out: bytearray, major: int, n: int) -> None:
    if n < 24:
        out.append(major << 5 | n)
    elif n < 1 << 8:
        out += bytes((major << 5 | 24, n))
    elif n < 1 << 16:
        out.append(major << 5 | 25)
        out += n.to_bytes(2, "big")
    elif n < 1 << 32:
        out.append(major << 5 | 26)
        out += n.to_bytes(4, "big")
    elif n < 1 << 64:
        out.append(major << 5 | 27)
        out += n.to_bytes(8, "big")
    else:
        raise CborError(f"integer {n} does not fit 64 bits")


def _encode(out: bytearray, value: object) -> None:
    if value is None:
        out.append(0xF6)
    elif value is UNDEFINED:
        out.append(0xF7)
    elif isinstance(value, bool):
        out.append(0xF5 if value else 0xF4)
    elif isinstance(value, int) and value >= 0:
        _head(out, 0, value)
    elif isinstance(value, int):
        _head(out, 1, -1 - value)
    elif isinstance(value, float):
        out.append(0xFB)
        out += struct.pack(">d", value)
    elif isinstance(value, str):
        raw = value.encode("utf-8")
        _head(out, 3, len(raw))
        out += raw
    elif isinstance(value, (bytes, bytearray, memoryview)):
        raw = bytes(value)
        _head(out, 2, len(raw))
        out += raw
    elif isinstance(value, (list, tuple)):
        _head(out, 4, len(value))
        for v in value:
            _encode(out, v)
    elif isinstance(value, dict):
        _head(out, 5, len(value))
        for k, v in value.items():
            _encode(out, k)
            _encode(out, v)
    elif isinstance(value, Tag):
        if value.tag < 0:
            raise CborError("cannot encode a simple value")
        _head(out, 6, value.tag)
        _encode(out, value.value)
    else:
        raise CborError(f"cannot encode {type(value).__name__}")


def encode(value: object) -> bytes:
    out = bytearray()
    _encode(out, value)
    return bytes(out)


def epoch(seconds: float) -> Tag:
    """A timestamp as AWS writes it: tag 1, a double (integral seconds stay exact)."""
    if math.isnan(seconds) or math.isinf(seconds):
        raise CborError("a timestamp must be finite")
    return Tag(1, float(seconds))
