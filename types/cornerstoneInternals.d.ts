// Cornerstone3D's streaming volume texture, which its package exports do not expose; vite.config.ts
// maps this name to the file inside @cornerstonejs/core (the same module Cornerstone itself uses).
declare module 'cornerstone-internal/streaming-texture' {
  export function extend(publicAPI: Record<string, unknown>, model: Record<string, unknown>, initialValues?: Record<string, unknown>): void;
}
