// The browser side of telehealth-audio.spec.ts, bundled by the spec: the bedside's encoder and
// the remote clinician's component, exactly as the renderer has them.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import {
  canShareAt,
  startRemoteShare,
} from '../../renderer/src/components/stethoscope/remote-share';
import { RemoteAuscultation } from '../../renderer/src/telehealth/RemoteAuscultation';

export { canShareAt, startRemoteShare };

export function mountViewer(socketUrl: string): void {
  createRoot(document.getElementById('root')!).render(
    createElement(RemoteAuscultation, { socketUrl }),
  );
}
