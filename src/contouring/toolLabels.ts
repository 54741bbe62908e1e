// What the contouring tools are called on their buttons and in messages.
import type { PaintTool } from '../stores/contouringStore.ts';

const TOOL_LABELS: Record<PaintTool, string> = {
  none: 'Navigate',
  brush: 'Brush',
  eraser: 'Eraser',
  sphere: 'Sphere brush',
  threshold: 'Threshold brush',
  grow2d: 'Region growing (slice)',
  grow3d: 'Region growing (3D)',
  scissorsRect: 'Scissors (rectangle)',
  scissorsCircle: 'Scissors (circle)',
  scissorsLasso: 'Scissors (lasso)',
};

export function toolLabel(tool: PaintTool): string {
  return TOOL_LABELS[tool];
}
