// The line under the views: slice, position, voxel and HU under the cursor.
import { useViewerStore } from '../stores/viewerStore.ts';

const mm = (v: number) => v.toFixed(1);

export function ReadoutBar({ rendering }: { rendering: string }) {
  const readout = useViewerStore((s) => s.readout);
  return (
    <footer className="readout" data-testid="readout"
      data-hu={readout?.hu ?? ''}
      data-voxel={readout?.voxel?.join(',') ?? ''}
      data-sop-instance-uid={readout?.sopInstanceUid ?? ''}
      data-position={readout ? readout.positionMm.map((v) => v.toFixed(3)).join(',') : ''}>
      {readout ? (
        <>
          <span>{readout.viewport} slice {readout.sliceNumber}/{readout.sliceCount}</span>
          <span>Pos ({mm(readout.positionMm[0])}, {mm(readout.positionMm[1])}, {mm(readout.positionMm[2])}) mm</span>
          <span>{readout.voxel ? `Voxel (${readout.voxel.join(', ')})` : 'outside the volume'}</span>
          {readout.instanceNumber !== null && <span>Image #{readout.instanceNumber}</span>}
          <span className="hu">{readout.hu !== null ? `${readout.hu} HU` : '— HU'}</span>
        </>
      ) : (
        <span className="muted">Move the cursor over an image for its position and HU value.</span>
      )}
      <span className="spacer" />
      <span className="muted">{rendering}</span>
    </footer>
  );
}
