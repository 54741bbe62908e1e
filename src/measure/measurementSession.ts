// The length and elliptical ROI tools on the MPR views. A measurement is drawn with the left
// button (from one end to the other; an ellipse from corner to corner of its box), kept in patient
// coordinates, drawn again on an SVG layer whenever a view shows its plane, and its numbers come
// from the volume itself (measurementMath.ts). Like the labelmap overlay, drawing never asks
// Cornerstone for a WebGL render, so measuring stays smooth under software rendering.
import { Enums as CoreEnums, type RenderingEngine, type Types } from '@cornerstonejs/core';
import { attachStrokes, type StrokeHandler } from '../contouring/pointerStrokes.ts';
import { useContouringStore } from '../stores/contouringStore.ts';
import { useReadFormStore } from '../stores/readFormStore.ts';
import type { ReadDraft } from '../form/readDraft.ts';
import { ellipseAxes, ellipsePoints, measuredValueMm, measurementLabel, type Measurement } from './measurementModel.ts';
import { ellipseRoiStats, lengthMm, type CtVolume, type Vec3 } from './measurementMath.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Smallest length kept: a click without a drag is not a measurement. */
const MIN_LENGTH_MM = 1;

const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];

interface Drag {
  viewportId: string;
  from: [number, number];
  to: [number, number];
}

export class MeasurementSession {
  private readonly layers = new Map<string, SVGSVGElement>();
  private readonly cleanups: Array<() => void> = [];
  private drag: Drag | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly engine: RenderingEngine,
    private readonly elements: Record<string, HTMLDivElement>,
    private readonly mprIds: string[],
    private readonly volume: CtVolume,
    private readonly draft: ReadDraft,
  ) {}

  private get store() {
    return useReadFormStore.getState();
  }

  private viewport(id: string): Types.IVolumeViewport {
    return this.engine.getViewport(id) as Types.IVolumeViewport;
  }

  attach(): void {
    const handler: StrokeHandler = {
      active: () => this.store.measuring !== null && useContouringStore.getState().tool === 'none',
      start: (id, pos) => {
        this.drag = { viewportId: id, from: pos, to: pos };
      },
      move: (id, pos) => {
        if (!this.drag) return;
        this.drag.to = pos;
        this.redraw(id);
      },
      end: (id, pos) => {
        if (!this.drag) return;
        this.drag.to = pos;
        const drag = this.drag;
        this.drag = null;
        this.finish(drag);
        this.redraw(id);
      },
      hover: () => undefined,
    };
    for (const id of this.mprIds) {
      const element = this.elements[id];
      const svg = document.createElementNS(SVG_NS, 'svg');
      svg.setAttribute('class', 'measure-overlay');
      svg.dataset.measureLayer = id;
      element.append(svg);
      this.layers.set(id, svg);
      this.cleanups.push(attachStrokes(id, element, handler));
      const onCamera = () => this.redraw(id);
      element.addEventListener(CoreEnums.Events.CAMERA_MODIFIED, onCamera);
      this.cleanups.push(() => element.removeEventListener(CoreEnums.Events.CAMERA_MODIFIED, onCamera));
    }
    const unsubscribeForm = useReadFormStore.subscribe((s, prev) => {
      if (s.measurements !== prev.measurements || s.selectedMeasurement !== prev.selectedMeasurement) this.redrawAll();
    });
    // Picking a paint tool puts the measuring tool down.
    const unsubscribeTools = useContouringStore.subscribe((s) => {
      if (s.tool !== 'none' && this.store.measuring) this.store.set({ measuring: null });
    });
    this.unsubscribe = () => {
      unsubscribeForm();
      unsubscribeTools();
    };
    this.redrawAll();
  }

  private finish(drag: Drag): void {
    const armed = this.store.measuring;
    if (!armed) return;
    const vp = this.viewport(drag.viewportId);
    const normal = vp.getCamera().viewPlaneNormal as Vec3;
    const world = (p: [number, number]) => vp.canvasToWorld(p as Types.Point2) as unknown as Vec3;
    let measurement: Measurement;
    const base = { id: crypto.randomUUID(), normal: [normal[0], normal[1], normal[2]] as Vec3, itemId: armed.itemId, createdAt: Date.now() };
    if (armed.kind === 'length') {
      const a = world(drag.from);
      const b = world(drag.to);
      if (lengthMm(a, b) < MIN_LENGTH_MM) return;
      measurement = { ...base, kind: 'length', points: [a, b], lengthMm: lengthMm(a, b), stats: null };
    } else {
      const cx = (drag.from[0] + drag.to[0]) / 2;
      const cy = (drag.from[1] + drag.to[1]) / 2;
      const rx = Math.abs(drag.to[0] - drag.from[0]) / 2;
      const ry = Math.abs(drag.to[1] - drag.from[1]) / 2;
      const center = world([cx, cy]);
      const axisA = sub(world([cx + rx, cy]), center);
      const axisB = sub(world([cx, cy + ry]), center);
      if (lengthMm(axisA, [0, 0, 0]) * 2 < MIN_LENGTH_MM || lengthMm(axisB, [0, 0, 0]) * 2 < MIN_LENGTH_MM) return;
      measurement = { ...base, kind: 'ellipse', points: ellipsePoints(center, axisA, axisB), lengthMm: null, stats: ellipseRoiStats(this.volume, { center, axisA, axisB }) };
    }
    this.add(measurement);
  }

  /** A new measurement; one linked to a form item replaces that item's previous one and fills it. */
  private add(m: Measurement): void {
    const replaced = m.itemId ? this.store.measurements.filter((x) => x.itemId === m.itemId) : [];
    const measurements = [...this.store.measurements.filter((x) => !replaced.includes(x)), m];
    this.store.set({ measurements, measuring: null, selectedMeasurement: m.id });
    for (const r of replaced) void this.draft.deleteMeasurement(r.id);
    void this.draft.saveMeasurement(m);
    if (m.itemId) {
      const value = measuredValueMm(m);
      this.store.setAnswer(m.itemId, value);
      void this.draft.saveAnswer(m.itemId, value);
    }
  }

  remove(id: string): void {
    this.store.set({ measurements: this.store.measurements.filter((m) => m.id !== id), selectedMeasurement: null });
    void this.draft.deleteMeasurement(id);
  }

  /** Brings a measurement's plane into the view it was drawn on (or the first MPR view) and selects it. */
  jumpTo(id: string): void {
    const m = this.store.measurements.find((x) => x.id === id);
    if (!m) return;
    const viewId = this.mprIds.find((v) => Math.abs(dot(this.viewport(v).getCamera().viewPlaneNormal as Vec3, m.normal)) > 0.99) ?? this.mprIds[0];
    const vp = this.viewport(viewId);
    const camera = vp.getCamera();
    const n = camera.viewPlaneNormal as Vec3;
    const center = m.kind === 'length' ? midpoint(m.points[0], m.points[1]) : ellipseAxes(m.points).center;
    const focal = camera.focalPoint as Vec3;
    // Move along the view's normal only: the reader's zoom and pan stay as they were.
    const d = dot(sub(center, focal), n);
    const shift = (p: Vec3): Types.Point3 => [p[0] + n[0] * d, p[1] + n[1] * d, p[2] + n[2] * d];
    vp.setCamera({ focalPoint: shift(focal), position: shift(camera.position as Vec3) });
    vp.render();
    this.store.set({ selectedMeasurement: id });
  }

  private redrawAll(): void {
    for (const id of this.mprIds) this.redraw(id);
  }

  private redraw(viewportId: string): void {
    const svg = this.layers.get(viewportId);
    if (!svg) return;
    svg.replaceChildren();
    const vp = this.viewport(viewportId);
    const camera = vp.getCamera();
    const n = camera.viewPlaneNormal as Vec3;
    const focal = camera.focalPoint as Vec3;
    const toCanvas = (p: Vec3) => vp.worldToCanvas(p as unknown as Types.Point3);
    // Shown on the plane it lies in, within half a voxel along the view's normal.
    const tolerance = 0.5 * Math.max(...this.volume.spacing.map((s, a) => Math.abs(s * dot(n, axisOf(this.volume.direction, a)))));
    for (const m of this.store.measurements) {
      if (Math.abs(dot(m.normal, n)) < 0.99 || Math.abs(dot(sub(m.points[0], focal), n)) > tolerance + 1e-3) continue;
      this.drawMeasurement(svg, m.kind, m.points.map(toCanvas), measurementLabel(m), m.id === this.store.selectedMeasurement, m.id);
    }
    if (this.drag && this.drag.viewportId === viewportId) {
      const { from, to } = this.drag;
      const kind = this.store.measuring?.kind ?? 'length';
      if (kind === 'length') this.drawMeasurement(svg, 'length', [from, to], '', true, null);
      else {
        const c: [number, number] = [(from[0] + to[0]) / 2, (from[1] + to[1]) / 2];
        const rx = Math.abs(to[0] - from[0]) / 2;
        const ry = Math.abs(to[1] - from[1]) / 2;
        this.drawMeasurement(svg, 'ellipse', [[c[0] - rx, c[1]], [c[0] + rx, c[1]], [c[0], c[1] - ry], [c[0], c[1] + ry]], '', true, null);
      }
    }
  }

  private drawMeasurement(svg: SVGSVGElement, kind: Measurement['kind'], pts: Array<readonly number[]>, label: string, selected: boolean, id: string | null): void {
    const g = document.createElementNS(SVG_NS, 'g');
    g.setAttribute('class', selected ? 'measurement selected' : 'measurement');
    if (id) g.dataset.measurementId = id;
    if (kind === 'length') {
      const line = document.createElementNS(SVG_NS, 'line');
      line.setAttribute('x1', String(pts[0][0]));
      line.setAttribute('y1', String(pts[0][1]));
      line.setAttribute('x2', String(pts[1][0]));
      line.setAttribute('y2', String(pts[1][1]));
      g.append(line);
    } else {
      const cx = (pts[0][0] + pts[1][0]) / 2;
      const cy = (pts[0][1] + pts[1][1]) / 2;
      const rx = Math.hypot(pts[1][0] - cx, pts[1][1] - cy);
      const ry = Math.hypot(pts[3][0] - cx, pts[3][1] - cy);
      const angle = (Math.atan2(pts[1][1] - cy, pts[1][0] - cx) * 180) / Math.PI;
      const e = document.createElementNS(SVG_NS, 'ellipse');
      e.setAttribute('cx', String(cx));
      e.setAttribute('cy', String(cy));
      e.setAttribute('rx', String(rx));
      e.setAttribute('ry', String(ry));
      e.setAttribute('transform', `rotate(${angle} ${cx} ${cy})`);
      g.append(e);
    }
    if (label) {
      const text = document.createElementNS(SVG_NS, 'text');
      const right = pts.reduce((best, p) => (p[0] > best[0] ? p : best), pts[0]);
      text.setAttribute('x', String(right[0] + 6));
      text.setAttribute('y', String(right[1]));
      // Text content, never markup.
      text.textContent = label;
      g.append(text);
    }
    svg.append(g);
  }

  destroy(): void {
    this.unsubscribe?.();
    for (const c of this.cleanups) c();
    for (const svg of this.layers.values()) svg.remove();
  }
}

function midpoint(a: Vec3, b: Vec3): Vec3 {
  return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2];
}

function axisOf(direction: ArrayLike<number>, a: number): Vec3 {
  return [direction[a * 3], direction[a * 3 + 1], direction[a * 3 + 2]];
}
