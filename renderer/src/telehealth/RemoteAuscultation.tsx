// Live auscultation on the remote clinician's page: a "Listen" button (a browser plays sound only
// after a gesture), the phonocardiogram of what is heard, and how far behind the bed it is, or
// plainly that the bed is not sharing the stethoscope now; with the consult's client, "Keep a
// recording" while the sound is live (KeepRecording.tsx). Mount it anywhere on the viewer page.
import { useEffect, useRef, useState } from 'react';
import { VIEWER_PATHS } from '../../../shared/telehealth/viewer';
import { PhonocardiogramTrace } from '../components/stethoscope/PhonocardiogramTrace';
import '../components/stethoscope/stethoscope.css';
import { AuscultationPlayer, type PlayerStatus } from './audio-player';
import { KeepRecording } from './KeepRecording';
import type { WorkstationClient } from '../../../shared/api/client';

export const auscultationWords = {
  title: 'Stethoscope (live)',
  listen: 'Listen',
  stop: 'Stop listening',
  idle: 'Press Listen to hear the stethoscope at the bed (use headphones).',
  connecting: 'Connecting to the bed’s sound…',
  reconnecting: 'The sound link is down: connecting again…',
  silent: 'Not shared from the bed right now.',
  behind: (ms: number) => `Live, ${(Math.max(0, ms) / 1000).toFixed(1)} s behind the bed`,
  listening: 'Live',
  ended: (why: string | null) => why ?? 'The consult has ended: there is no more sound.',
  unsupported:
    'This browser cannot play the stethoscope’s sound (no Opus decoder). Use a current Chromium, Edge, Firefox or Safari.',
};

export interface RemoteAuscultationProps {
  /** The audio WebSocket; default: VIEWER_PATHS.audio on this page's host (ws: or wss:). */
  socketUrl?: string;
  /** The consult's socket and bed: "Keep a recording" is offered with them. */
  keep?: { client: Pick<WorkstationClient, 'request'>; bedId: string };
}

/** The viewer's audio socket on this page's host. */
export function defaultAudioSocketUrl(): string {
  const url = new URL(VIEWER_PATHS.audio, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

function describe(status: PlayerStatus): string {
  switch (status.state) {
    case 'idle':
      return auscultationWords.idle;
    case 'connecting':
      return auscultationWords.connecting;
    case 'reconnecting':
      return auscultationWords.reconnecting;
    case 'silent':
      return auscultationWords.silent;
    case 'listening':
      return status.behindMs === null
        ? auscultationWords.listening
        : auscultationWords.behind(status.behindMs);
    case 'ended':
      return auscultationWords.ended(status.endedBecause);
    case 'unsupported':
      return auscultationWords.unsupported;
  }
}

export function RemoteAuscultation({ socketUrl, keep }: RemoteAuscultationProps) {
  const [player, setPlayer] = useState<AuscultationPlayer | null>(null);
  const [status, setStatus] = useState<PlayerStatus | null>(null);
  const playerRef = useRef<AuscultationPlayer | null>(null);

  // Leaving the page (or the component) stops the sound and closes the socket.
  useEffect(() => () => playerRef.current?.stop(), []);

  const listen = () => {
    // Made and started within the click: the browser lets the sound start.
    const made = new AuscultationPlayer({
      socketUrl: socketUrl ?? defaultAudioSocketUrl(),
      onStatus: setStatus,
    });
    playerRef.current = made;
    setPlayer(made);
    // For tests and diagnostics: the analyser of what is heard.
    (window as unknown as { __auscultation?: AuscultationPlayer }).__auscultation = made;
    void made.start();
  };
  const stop = () => {
    playerRef.current?.stop();
    playerRef.current = null;
    setPlayer(null);
    setStatus(null);
  };

  const shown: PlayerStatus = status ?? {
    state: 'idle',
    behindMs: null,
    lastFrameMs: null,
    played: 0,
    dropped: 0,
    droppedBy: {},
    endedBecause: null,
  };
  const problem = shown.state === 'unsupported' || shown.state === 'ended';
  return (
    <section
      className="stethoscope"
      aria-label={auscultationWords.title}
      data-testid="remote-auscultation"
      data-state={shown.state}
      data-behind-ms={shown.behindMs ?? undefined}
    >
      <h2 className="stethoscope__title">{auscultationWords.title}</h2>
      <div className="stethoscope__actions">
        {player ? (
          <button
            type="button"
            className="button"
            data-testid="remote-auscultation-stop"
            onClick={stop}
          >
            {auscultationWords.stop}
          </button>
        ) : (
          <button
            type="button"
            className="button"
            data-testid="remote-auscultation-listen"
            onClick={listen}
          >
            {auscultationWords.listen}
          </button>
        )}
        <span
          role={problem ? 'alert' : 'status'}
          className={problem ? 'stethoscope__problem' : 'stethoscope__muted'}
          data-testid="remote-auscultation-status"
        >
          {describe(shown)}
        </span>
      </div>
      <PhonocardiogramTrace analyser={player?.analyser ?? null} />
      {keep && (
        <KeepRecording
          client={keep.client}
          bedId={keep.bedId}
          live={player !== null && shown.state === 'listening'}
        />
      )}
    </section>
  );
}
