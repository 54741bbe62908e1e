// Turns primary-button drags on a view into strokes (start, moves, end) in canvas coordinates,
// ahead of Cornerstone's own mouse tools, and draws the brush cursor and scissors outline.
export interface StrokeHandler {
  /** Whether a left drag on this view paints now (a contouring tool is active). */
  active(): boolean;
  start(viewportId: string, canvas: [number, number], event: PointerEvent): void;
  move(viewportId: string, canvas: [number, number], event: PointerEvent): void;
  end(viewportId: string, canvas: [number, number], event: PointerEvent): void;
  hover(viewportId: string, canvas: [number, number] | null): void;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export class ViewOverlay {
  readonly svg: SVGSVGElement;
  private readonly cursor: SVGEllipseElement;
  private readonly shape: SVGPolygonElement;

  constructor(element: HTMLElement) {
    this.svg = document.createElementNS(SVG_NS, 'svg');
    this.svg.setAttribute('class', 'paint-overlay');
    this.svg.setAttribute('aria-hidden', 'true');
    this.cursor = document.createElementNS(SVG_NS, 'ellipse');
    this.cursor.setAttribute('class', 'brush-cursor');
    this.shape = document.createElementNS(SVG_NS, 'polygon');
    this.shape.setAttribute('class', 'scissors-shape');
    this.svg.append(this.cursor, this.shape);
    element.append(this.svg);
    this.hideCursor();
  }

  showCursor(x: number, y: number, rx: number, ry: number, color: string): void {
    this.cursor.setAttribute('cx', String(x));
    this.cursor.setAttribute('cy', String(y));
    this.cursor.setAttribute('rx', String(Math.max(1, rx)));
    this.cursor.setAttribute('ry', String(Math.max(1, ry)));
    this.cursor.setAttribute('stroke', color);
    this.cursor.style.display = '';
  }

  hideCursor(): void {
    this.cursor.style.display = 'none';
  }

  showShape(points: Array<[number, number]>, color: string): void {
    this.shape.setAttribute('points', points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' '));
    this.shape.setAttribute('stroke', color);
    this.shape.style.display = '';
  }

  hideShape(): void {
    this.shape.style.display = 'none';
  }

  destroy(): void {
    this.svg.remove();
  }
}

export function attachStrokes(viewportId: string, element: HTMLElement, handler: StrokeHandler): () => void {
  let pointerId: number | null = null;
  const canvasPos = (e: PointerEvent): [number, number] => {
    const rect = element.getBoundingClientRect();
    return [e.clientX - rect.left, e.clientY - rect.top];
  };
  const onDown = (e: PointerEvent) => {
    if (e.button !== 0 || !handler.active() || e.shiftKey || e.ctrlKey) return;
    // Keeps Cornerstone's mouse tools (window/level, crosshairs) out of this drag: a cancelled
    // pointerdown suppresses the mouse events they listen to.
    e.preventDefault();
    e.stopPropagation();
    pointerId = e.pointerId;
    element.setPointerCapture(e.pointerId);
    handler.start(viewportId, canvasPos(e), e);
  };
  // Chromium holds pointermove back to the next animation frame; pointerrawupdate arrives as
  // soon as the input does, so a stroke is painted a frame earlier where it exists.
  const raw = 'onpointerrawupdate' in element;
  const onMove = (e: PointerEvent) => {
    if (pointerId === e.pointerId) {
      if (!raw || e.type === 'pointerrawupdate') handler.move(viewportId, canvasPos(e), e);
    } else if (pointerId === null && e.type === 'pointermove') {
      handler.hover(viewportId, handler.active() ? canvasPos(e) : null);
    }
  };
  const onUp = (e: PointerEvent) => {
    if (pointerId !== e.pointerId) return;
    pointerId = null;
    if (element.hasPointerCapture(e.pointerId)) element.releasePointerCapture(e.pointerId);
    handler.end(viewportId, canvasPos(e), e);
  };
  const onLeave = () => {
    if (pointerId === null) handler.hover(viewportId, null);
  };
  // One signal removes every listener.
  const listeners = new AbortController();
  const signal = listeners.signal;
  element.addEventListener('pointerdown', onDown, { capture: true, signal });
  element.addEventListener('pointermove', onMove, { signal });
  if (raw) element.addEventListener('pointerrawupdate' as 'pointermove', onMove, { signal });
  element.addEventListener('pointerup', onUp, { signal });
  element.addEventListener('pointercancel', onUp, { signal });
  element.addEventListener('pointerleave', onLeave, { signal });
  return () => listeners.abort();
}
