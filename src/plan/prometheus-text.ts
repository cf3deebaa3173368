/**
 * A parser for the Prometheus text exposition format (version 0.0.4, what vLLM's `/metrics`
 * serves through prometheus_client): `# HELP` / `# TYPE` comments, and samples
 *   name{label="value",…} value [timestamp]
 * with label values escaped as \\, \" and \n, and values that may be NaN, +Inf or -Inf.
 * Every malformed line is an InputFileError naming `source:line`.
 *
 * (A small npm parser exists, parse-prometheus-text-format, but it accepts malformed lines
 * silently, e.g. `bad line here` becomes metric "bad" with value "line", and drops line
 * numbers, so errors could not be located; this one is strict.)
 */
import { InputFileError } from '../core/errors.js';

export interface PrometheusSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  /** 1-based line in the source text. */
  readonly line: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

function parseValue(text: string): number {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number.NaN; // invalid (the caller tells it from a literal NaN)
  return Number(text);
}

/** Parses exposition text into samples, in order. `source` names the file or URL in errors. */
export function parsePrometheusText(text: string, source: string): PrometheusSample[] {
  const samples: PrometheusSample[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fail = (problem: string): never => {
      throw new InputFileError(source, lineNo, `${problem} in Prometheus sample ${JSON.stringify(line.length > 80 ? `${line.slice(0, 77)}...` : line)}`);
    };
    const nameMatch = NAME.exec(line);
    if (nameMatch === null) fail('no metric name');
    const name = nameMatch![0];
    let pos = name.length;
    const labels: Record<string, string> = {};
    if (line[pos] === '{') {
      pos++;
      for (;;) {
        while (line[pos] === ' ') pos++;
        if (line[pos] === '}') {
          pos++;
          break;
        }
        const labelMatch = LABEL_NAME.exec(line.slice(pos));
        if (labelMatch === null) fail('bad label name');
        const labelName = labelMatch![0];
        pos += labelName.length;
        while (line[pos] === ' ') pos++;
        if (line[pos] !== '=') fail(`missing "=" after label ${labelName}`);
        pos++;
        while (line[pos] === ' ') pos++;
        if (line[pos] !== '"') fail(`label ${labelName} value is not quoted`);
        pos++;
        let value = '';
        for (;;) {
          const ch = line[pos];
          if (ch === undefined) fail(`unterminated value of label ${labelName}`);
          if (ch === '"') {
            pos++;
            break;
          }
          if (ch === '\\') {
            const next = line[pos + 1];
            if (next === 'n') value += '\n';
            else if (next === '\\' || next === '"') value += next;
            else fail(`bad escape \\${next ?? ''} in label ${labelName}`);
            pos += 2;
            continue;
          }
          value += ch;
          pos++;
        }
        if (Object.hasOwn(labels, labelName)) fail(`label ${labelName} repeated`);
        labels[labelName] = value;
        while (line[pos] === ' ') pos++;
        if (line[pos] === ',') {
          pos++;
          continue;
        }
        if (line[pos] === '}') {
          pos++;
          break;
        }
        fail(`expected "," or "}" after label ${labelName}`);
      }
    }
    if (line[pos] !== ' ' && line[pos] !== '\t') fail('missing value');
    const rest = line.slice(pos).trim().split(/\s+/);
    if (rest.length < 1 || rest.length > 2 || rest[0] === '') fail('expected "value [timestamp]" after the name');
    const value = parseValue(rest[0]!);
    if (Number.isNaN(value) && rest[0] !== 'NaN') fail(`value ${JSON.stringify(rest[0])} is not a number`);
    if (rest.length === 2 && !/^-?\d+$/.test(rest[1]!)) fail(`timestamp ${JSON.stringify(rest[1])} is not an integer`);
    samples.push({ name, labels, value, line: lineNo });
  }
  return samples;
}
