/** Every command of the CLI, in the order --help lists them. Each file exports register(program). */
import type { Command } from 'commander';
import { register as bound } from './bound.js';
import { register as presets } from './presets.js';
import { register as stats } from './stats.js';
import { register as importCommand } from './import.js';
import { register as simulate } from './simulate.js';
import { register as tree } from './tree.js';
import { register as generate } from './generate.js';
import { register as serveModel } from './serve-model.js';
import { register as measure } from './measure.js';
import { register as report } from './report.js';
import { register as plan } from './plan.js';
import { register as profile } from './profile.js';
import { register as serve } from './serve.js';
import { register as convert } from './convert.js';

export const commands: readonly ((program: Command) => void)[] = [
  bound,
  presets,
  stats,
  importCommand,
  simulate,
  tree,
  generate,
  serveModel,
  measure,
  report,
  plan,
  profile,
  serve,
  convert,
];
