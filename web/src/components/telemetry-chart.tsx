import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Telemetry } from '../api';
import { when } from '../format';
import { mountPlot } from './mount-plot';

type Series = Telemetry['series'][number];
type Interval = { from: number; to: number };

const seconds = (iso: string) => Date.parse(iso) / 1000;

/** Shades intervals (excursions red, gaps grey) and draws the limits as dashed lines, under the data. */
function overlays(limits: Telemetry['limits'], excursions: Interval[], gaps: Interval[]): uPlot.Plugin {
  return {
    hooks: {
      drawClear: [
        (u) => {
          const { ctx } = u;
          const { top, height, left, width } = u.bbox;
          const shade = (spans: Interval[], colour: string) => {
            ctx.fillStyle = colour;
            for (const s of spans) {
              const x0 = Math.max(left, u.valToPos(s.from, 'x', true));
              const x1 = Math.min(left + width, u.valToPos(s.to, 'x', true));
              if (x1 > x0) ctx.fillRect(x0, top, x1 - x0, height);
            }
          };
          ctx.save();
          shade(gaps, 'rgba(120, 120, 120, 0.25)');
          shade(excursions, 'rgba(200, 30, 40, 0.18)');
          ctx.restore();
        },
      ],
      draw: [
        (u) => {
          const { ctx } = u;
          const { left, width } = u.bbox;
          ctx.save();
          ctx.strokeStyle = '#a4161a';
          ctx.setLineDash([6, 4]);
          ctx.lineWidth = 1.5 * uPlot.pxRatio;
          for (const limit of limits) {
            for (const v of [limit.min, limit.max]) {
              if (v === null) continue;
              const y = u.valToPos(v, 'y', true);
              ctx.beginPath();
              ctx.moveTo(left, y);
              ctx.lineTo(left + width, y);
              ctx.stroke();
            }
          }
          ctx.restore();
        },
      ],
    },
  };
}

/**
 * uPlot's columns (time, average, min, max), with an empty point just inside each gap so the line
 * breaks there instead of drawing a reading that never happened across the silence.
 */
function alignedWithBreaks(series: Series, gaps: Telemetry['gaps']): uPlot.AlignedData {
  const rows: [number, number | null, number | null, number | null][] = series.points.map((p) => [seconds(p.t), p.avg, p.min, p.max]);
  for (const gap of gaps) rows.push([(seconds(gap.from) + seconds(gap.to)) / 2, null, null, null]);
  rows.sort((a, b) => a[0] - b[0]);
  return [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3])];
}

const limitsOf = (t: Telemetry, s: Series) => t.limits.filter((l) => l.metric === s.metric);
const excursionsOf = (t: Telemetry, s: Series) => t.excursions.filter((e) => e.metric === null || e.metric === s.metric);

/**
 * One metric of a shipment or a unit: the average per bucket, its min and max, the limits the
 * excursion engine applies, and the excursions and telemetry gaps shaded. The figure's caption says in
 * words what the canvas shows, for readers who cannot see it.
 */
export function TelemetryChart({ series, telemetry, title }: { series: Series; telemetry: Telemetry; title: string }) {
  const box = useRef<HTMLDivElement>(null);
  const limits = limitsOf(telemetry, series);
  const excursions = excursionsOf(telemetry, series);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const limits = limitsOf(telemetry, series);
    const end = telemetry.to ? seconds(telemetry.to) : Date.now() / 1000;
    const data = alignedWithBreaks(series, telemetry.gaps);
    const bounds = limits.flatMap((l) => [l.min, l.max]).filter((v): v is number => v !== null);
    return mountPlot(
      el,
      220,
      {
        legend: { show: false },
        scales: {
          x: { time: true },
          y: { range: (_u, lo, hi) => { const a = Math.min(lo, ...bounds); const b = Math.max(hi, ...bounds); const pad = (b - a) * 0.08 || 1; return [a - pad, b + pad]; } },
        },
        series: [{}, { label: 'average', stroke: '#0b5cad', width: 2 }, { label: 'min', stroke: '#7aa7d6' }, { label: 'max', stroke: '#7aa7d6' }],
        plugins: [
          overlays(
            limits,
            excursionsOf(telemetry, series).map((e) => ({ from: seconds(e.openedAt), to: e.closedAt ? seconds(e.closedAt) : end })),
            telemetry.gaps.map((g) => ({ from: seconds(g.from), to: seconds(g.to) })),
          ),
        ],
      },
      data,
    );
  }, [series, telemetry]);

  const limitText = limits.map((l) => [l.min !== null ? `≥ ${l.min}` : '', l.max !== null ? `≤ ${l.max}` : ''].filter(Boolean).join(' and ')).join('; ');
  return (
    <figure className="chart">
      <div ref={box} role="img" aria-label={`${title}: ${series.metric} over time`} />
      <figcaption>
        {title}, {series.metric} ({series.unit}): {series.points.length} points{telemetry.from ? ` from ${when(telemetry.from)} to ${when(telemetry.to)}` : ''}.
        {limitText ? ` Limits ${limitText} (dashed).` : ' No limits apply.'} {excursions.length} excursion{excursions.length === 1 ? '' : 's'} (red),{' '}
        {telemetry.gaps.length} gap{telemetry.gaps.length === 1 ? '' : 's'} (grey).
      </figcaption>
    </figure>
  );
}
