import uPlot from 'uplot';

/** The narrowest a chart gets, so a tablet in portrait still shows its axes. */
const MIN_WIDTH = 280;

/**
 * A uPlot chart filling `el`'s width at a fixed height, redrawn as the element resizes; returns the
 * effect's cleanup (stop observing, destroy the chart).
 */
export function mountPlot(el: HTMLElement, height: number, options: Omit<uPlot.Options, 'width' | 'height'>, data: uPlot.AlignedData): () => void {
  const size = () => ({ width: Math.max(MIN_WIDTH, el.clientWidth), height });
  const plot = new uPlot({ ...options, ...size() }, data, el);
  const resize = new ResizeObserver(() => plot.setSize(size()));
  resize.observe(el);
  return () => {
    resize.disconnect();
    plot.destroy();
  };
}
