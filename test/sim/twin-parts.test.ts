import { describe, expect, it } from 'vitest';
import { SiteCalendar } from '../../src/sim/twin/calendar.js';
import { ChairBook } from '../../src/sim/twin/chair-book.js';
import { EventQueue } from '../../src/sim/twin/event-queue.js';
import { simulatedDin } from '../../src/sim/twin/identifiers.js';
import { Random } from '../../src/domain/random.js';
import { sample } from '../../src/sim/twin/sample.js';
import { parseDin } from '../../src/domain/din.js';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
const draws = (n: number, f: () => number) => Array.from({ length: n }, f);

describe('the twin’s random streams', () => {
  it('repeat for the same name and differ for another', () => {
    const a = Random.stream(1, 'patient', 'x', 3);
    const b = Random.stream(1, 'patient', 'x', 3);
    const c = Random.stream(1, 'patient', 'x', 4);
    const seq = (r: Random) => draws(5, () => r.nextUint32());
    const first = seq(a);
    expect(seq(b)).toEqual(first);
    expect(seq(c)).not.toEqual(first);
  });

  it('draw the distributions a scenario names with their documented moments', () => {
    const rng = new Random(99);
    const u = draws(20_000, () => rng.uniform());
    expect(Math.min(...u)).toBeGreaterThan(0);
    expect(mean(u)).toBeCloseTo(0.5, 2);
    const g = draws(20_000, () => sample({ kind: 'gamma', mean: 4, cv: 0.5 }, rng));
    expect(mean(g)).toBeCloseTo(4, 1);
    expect(sd(g) / mean(g)).toBeCloseTo(0.5, 1);
    const small = draws(20_000, () => sample({ kind: 'gamma', mean: 1, cv: 2 }, rng));
    expect(mean(small)).toBeCloseTo(1, 1);
    const ln = draws(20_001, () => sample({ kind: 'lognormal', median: 5, sigma: 0.6 }, rng)).sort((x, y) => x - y);
    expect(ln[10_000]).toBeCloseTo(5, 0);
    const tri = draws(20_000, () => sample({ kind: 'triangular', min: 1, mode: 2, max: 6 }, rng));
    expect(mean(tri)).toBeCloseTo(3, 1);
    expect(Math.min(...tri)).toBeGreaterThanOrEqual(1);
    expect(mean(draws(20_000, () => sample({ kind: 'exponential', mean: 3 }, rng)))).toBeCloseTo(3, 1);
    expect(sample({ kind: 'fixed', value: 7 }, rng)).toBe(7);
  });
});

describe('the event queue', () => {
  it('runs in time order, same-time entries in the order scheduled, and never in the past', () => {
    const q = new EventQueue(100);
    const ran: string[] = [];
    for (const [at, name] of [[300, 'c'], [200, 'a'], [200, 'b'], [50, 'past'], [250, 'x']] as const) q.at(at, () => ran.push(`${name}@${q.now}`));
    q.at(200, () => q.at(210, () => ran.push(`nested@${q.now}`)));
    q.runUntil(260);
    expect(ran).toEqual(['past@100', 'a@200', 'b@200', 'nested@210', 'x@250']);
    expect(q.now).toBe(260);
    q.runUntil(Infinity);
    expect(ran.at(-1)).toBe('c@300');
  });
});

describe('site calendars', () => {
  const berlin = new SiteCalendar('Europe/Berlin', ['mon', 'tue', 'wed', 'thu', 'fri']);
  it('count working days in the site’s time zone: Friday 10:00 plus two is Tuesday 10:00', () => {
    const friday10 = Date.parse('2027-01-08T09:00:00Z');
    expect(new Date(berlin.addWorkingDays(friday10, 2)).toISOString()).toBe('2027-01-12T09:00:00.000Z');
    // 0.75 of a working day is 18 hours: 14 left on Friday, then 4 on Monday (the weekend does not count).
    expect(new Date(berlin.addWorkingDays(friday10, 0.75)).toISOString()).toBe('2027-01-11T03:00:00.000Z');
  });
  it('put local hours at the right instant across daylight saving time', () => {
    const ny = new SiteCalendar('America/New_York', ['mon']);
    expect(new Date(ny.at(ny.day(Date.parse('2027-01-15T12:00:00Z')), 8)).toISOString()).toBe('2027-01-15T13:00:00.000Z');
    expect(new Date(ny.at(ny.day(Date.parse('2027-07-15T12:00:00Z')), 8)).toISOString()).toBe('2027-07-15T12:00:00.000Z');
  });
  it('book a chair on the first open day with room, and give it back', () => {
    const book = new ChairBook(berlin, 1, 8, false);
    const saturday = Date.parse('2027-01-09T12:00:00Z');
    const first = book.book(saturday)!;
    expect(new Date(first.at).toISOString()).toBe('2027-01-11T07:00:00.000Z');
    expect(new Date(book.book(saturday)!.at).toISOString()).toBe('2027-01-12T07:00:00.000Z');
    book.release(first.day);
    expect(book.book(saturday)!.day).toBe(first.day);
    expect(book.book(saturday, Date.parse('2027-01-12T00:00:00Z'))).toBeUndefined();
  });
});

it('simulated DINs are valid ISBT 128 numbers of the centre, year and sequence', () => {
  const din = simulatedDin(2, Date.parse('2027-05-01T00:00:00Z'), 42);
  expect(din).toBe('W100327000042');
  expect(parseDin(din).ok).toBe(true);
});
