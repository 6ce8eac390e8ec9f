import { useEffect, useMemo, useRef } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Schemas } from '../api';
import { DAY_MS, HOUR_MS } from '../../../src/domain/durations';
import { span, when, type BatchTime } from '../format';
import { mountPlot } from './mount-plot';

type Entry = Schemas['ForecastHistoryEntry'];

const UNIT_MS: Record<string, number> = { hours: HOUR_MS, days: DAY_MS };
/** The turnaround targets drawn, each in its own colour. */
const TARGETS = [
  { target: 'release_days', label: 'release', colourName: 'blue', colour: '#0b5cad', fill: 'rgba(11, 92, 173, 0.15)' },
  { target: 'infusion_ready_days', label: 'infusion-ready', colourName: 'brown', colour: '#7a3e00', fill: 'rgba(122, 62, 0, 0.15)' },
] as const;

interface Point {
  at: number;
  p10: number;
  p50: number;
  p90: number;
}

/** A forecast made at a landmark, as the instants it predicts (the landmark plus P10/P50/P90), in the batch's time. */
function pointsOf(forecasts: readonly Entry[], target: string, time: BatchTime): Point[] {
  return forecasts.flatMap((f) => {
    const unit = UNIT_MS[f.unit];
    if (f.target !== target || !f.landmark || unit === undefined) return [];
    const at = Date.parse(f.landmark.at);
    const shown = time.simulatedAt;
    return [{ at: shown(at), p10: shown(at + f.p10 * unit), p50: shown(at + f.p50 * unit), p90: shown(at + f.p90 * unit) }];
  });
}

/** One row per landmark time, a column per target and quantile (null where that target has no forecast then). */
function aligned(drawn: { points: Point[] }[]): uPlot.AlignedData {
  const xs = [...new Set(drawn.flatMap((d) => d.points.map((p) => p.at)))].sort((a, b) => a - b);
  const column = (points: Point[], q: 'p10' | 'p50' | 'p90') => {
    const byTime = new Map(points.map((p) => [p.at, p]));
    return xs.map((x) => {
      const p = byTime.get(x);
      return p ? p[q] / 1000 : null;
    });
  };
  return [xs.map((x) => x / 1000), ...drawn.flatMap((d) => [column(d.points, 'p10'), column(d.points, 'p50'), column(d.points, 'p90')])];
}

// The points are already in the batch's time (simulated on a compressed clock), so they format as they are.
const at = (ms: number) => when(new Date(ms).toISOString());

/** How one target's band moved, in words: the caption is what a screen reader gets of the canvas. */
function movement(label: string, points: Point[]): string {
  const first = points[0]!;
  const last = points[points.length - 1]!;
  if (points.length === 1) return `${label}: P50 ${at(first.p50)}, band ${span(first.p90 - first.p10)} wide.`;
  return `${label}: P50 moved from ${at(first.p50)} to ${at(last.p50)} over ${points.length} forecasts; band ${span(first.p90 - first.p10)} → ${span(last.p90 - last.p10)} wide.`;
}

/**
 * How the band moved: for release and infusion-ready, the predicted instants (P10–P90 shaded, P50 a
 * line) against the time each forecast was made. A band narrowing onto a line is a forecast converging.
 */
export function ForecastBandChart({ forecasts, time }: { forecasts: readonly Entry[]; time: BatchTime }) {
  const box = useRef<HTMLDivElement>(null);
  const drawn = useMemo(() => TARGETS.map((t) => ({ ...t, points: pointsOf(forecasts, t.target, time) })).filter((d) => d.points.length > 0), [forecasts, time]);

  useEffect(() => {
    const el = box.current;
    if (!el || drawn.length === 0) return;
    const series: uPlot.Series[] = [{}];
    const bands: uPlot.Band[] = [];
    drawn.forEach((d, i) => {
      const p10 = 1 + i * 3;
      series.push(
        { label: `${d.label} P10`, stroke: d.colour, width: 1, dash: [4, 4] },
        { label: `${d.label} P50`, stroke: d.colour, width: 2, points: { show: true } },
        { label: `${d.label} P90`, stroke: d.colour, width: 1, dash: [4, 4] },
      );
      bands.push({ series: [p10 + 2, p10], fill: d.fill });
    });
    return mountPlot(
      el,
      240,
      {
        // The caption names the colours and says what moved; uPlot's legend would only repeat six labels.
        legend: { show: false },
        scales: { x: { time: true }, y: { time: true } },
        axes: [{ label: 'forecast made' }, { label: 'predicted', size: 90 }],
        series,
        bands,
      },
      aligned(drawn),
    );
  }, [drawn]);

  if (drawn.length === 0) return null;
  return (
    <figure className="chart">
      <div ref={box} role="img" aria-label="Forecast bands of release and infusion-ready at each forecast" />
      <figcaption>
        {drawn.map((d) => movement(`${d.label} (${d.colourName}; P10–P90 shaded, P50 the solid line)`, d.points)).join(' ')}
      </figcaption>
    </figure>
  );
}
