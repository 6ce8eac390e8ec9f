import type { Distribution } from '../scenario/distribution.js';
import type { Random } from '../../domain/random.js';

/** One draw of a scenario's distribution, in the field's unit. */
export function sample(d: Distribution, rng: Random): number {
  switch (d.kind) {
    case 'fixed':
      return d.value;
    case 'exponential':
      return rng.exponential(d.mean);
    case 'lognormal':
      return d.median * Math.exp(d.sigma * rng.normal());
    case 'gamma': {
      const shape = 1 / (d.cv * d.cv);
      return rng.gamma(shape, d.mean / shape);
    }
    case 'triangular': {
      const u = rng.uniform();
      const { min, mode, max } = d;
      const split = (mode - min) / (max - min);
      return u < split ? min + Math.sqrt(u * (max - min) * (mode - min)) : max - Math.sqrt((1 - u) * (max - min) * (max - mode));
    }
    case 'uniform':
      return d.min + rng.uniform() * (d.max - d.min);
  }
}

/** The distribution's median, for planning (a scheduler's expected arrival), without drawing. */
export function typical(d: Distribution): number {
  switch (d.kind) {
    case 'fixed':
      return d.value;
    case 'exponential':
      return d.mean * Math.LN2;
    case 'lognormal':
      return d.median;
    case 'gamma':
      return d.mean;
    case 'triangular':
      return d.mode;
    case 'uniform':
      return (d.min + d.max) / 2;
  }
}
