/** Just enough of a source map (v3) reader to name the source file behind a generated position. */
import * as v from 'valibot';

const SourceMapSchema = v.object({ sources: v.array(v.string()), mappings: v.string() });
type SourceMapV3 = v.InferOutput<typeof SourceMapSchema>;

/** Parses a source map file's text. */
export const parseSourceMap = (text: string): SourceMapV3 => v.parse(SourceMapSchema, JSON.parse(text));

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map(Array.from({ length: BASE64.length }, (_, index) => [BASE64.charAt(index), index]));

/** Base64 VLQ fields of one mapping segment. */
function decodeSegment(segment: string): number[] {
  const fields: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = DIGIT.get(char);
    if (digit === undefined) throw new Error(`decodeSegment: '${char}' is not a base64 digit`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return fields;
}

/** Finds the source file of a generated (0-based) line and column. */
export type SourceOf = (line: number, column: number) => string | undefined;

export function sourceMapLookup(map: SourceMapV3): SourceOf {
  // Per generated line: [column, source index] pairs in column order.
  const lines: [number, number][][] = [];
  let source = 0;
  for (const text of map.mappings.split(';')) {
    const segments: [number, number][] = [];
    let column = 0;
    for (const segment of text.split(',')) {
      if (!segment) continue;
      const fields = decodeSegment(segment);
      column += fields[0] ?? 0;
      if (fields.length < 4) continue; // a segment with no source
      source += fields[1] ?? 0;
      segments.push([column, source]);
    }
    lines.push(segments);
  }
  return (line, column) => {
    const segments = lines[line];
    if (!segments?.length) return undefined;
    let low = 0;
    let high = segments.length - 1;
    if ((segments[0]?.[0] ?? 0) > column) return undefined;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((segments[middle]?.[0] ?? 0) <= column) low = middle;
      else high = middle - 1;
    }
    const index = segments[low]?.[1];
    return index === undefined ? undefined : map.sources[index];
  };
}
