// What an edit may change: locked segments are never written or erased, "paint over empty only"
// keeps existing segments, and the eraser removes only the segment being edited.
export interface PaintRule {
  /** Label written by painting; 0 when erasing. */
  value: number;
  /** When erasing: the label removed. */
  eraseValue: number;
  locked: ReadonlySet<number>;
  emptyOnly: boolean;
}

/** The label a voxel holding `current` gets under the rule, or -1 to leave it. */
export function ruledValue(rule: PaintRule, current: number): number {
  if (rule.value === 0) return current === rule.eraseValue && current !== 0 && !rule.locked.has(current) ? 0 : -1;
  if (current === rule.value) return -1;
  if (current !== 0 && (rule.emptyOnly || rule.locked.has(current))) return -1;
  if (rule.locked.has(rule.value)) return -1;
  return rule.value;
}
