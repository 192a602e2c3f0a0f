// The central station: every bed on one screen (16 on 1920 × 1080, 32 on a larger one), the most
// urgent bed named at the top, and the most urgent sound of all beds. The first view of the app.
import { useCallback, useMemo, useRef, useState } from 'react';
import type { WorkstationClient } from '../../../shared/api/client';
import type { Alarm, Bed } from '../../../shared/model/schemas';
import type { AlarmAudio } from '../../../shared/model/alarms';
import { quietBedAlarms } from '../../../shared/model/alarm-defaults';
import { sortByUrgency } from '../clinical/alarm-urgency';
import {
  bedGroups,
  mostUrgentBed,
  tileGrid,
  type BedAlarmSummary,
} from '../clinical/central-layout';
import { BedTile } from '../components/central/BedTile';
import { useAlarmSound } from '../components/alarms/useAlarmSound';
import { routeHref } from '../navigation';
import { strings } from '../strings';
import '../components/central/central.css';

interface BedAlarms {
  alarms: readonly Alarm[];
  audio: AlarmAudio;
  /** The bed's workstation is offline (a hospital central station's bed). */
  offline: boolean;
}

const soundRank = { high: 3, medium: 2, low: 1 } as const;

export function CentralStation({
  client,
  beds,
}: {
  client: WorkstationClient;
  beds: readonly Bed[];
}) {
  const [alarmsByBed, setAlarmsByBed] = useState<ReadonlyMap<string, BedAlarms>>(new Map());
  const [reminders, setReminders] = useState(0);
  const remindersByBed = useRef(new Map<string, number>());
  const onAlarms = useCallback(
    (bedId: string, alarms: readonly Alarm[], audio: AlarmAudio, offline: boolean) => {
      // A reminder is a bed's count going up, not a tile reporting its count for the first time.
      const before = remindersByBed.current.get(bedId);
      remindersByBed.current.set(bedId, audio.reminders);
      if (before !== undefined && audio.reminders > before) setReminders((n) => n + 1);
      setAlarmsByBed((previous) => new Map(previous).set(bedId, { alarms, audio, offline }));
    },
    [],
  );

  const summaries: BedAlarmSummary[] = beds.map((bed) => ({
    bedId: bed.id,
    label: bed.label,
    top: sortByUrgency(alarmsByBed.get(bed.id)?.alarms ?? [])[0] ?? null,
  }));
  const urgent = mostUrgentBed(summaries);
  // With no alarm to name, beds that are not live are the next thing a nurse must know.
  const offlineBeds = beds.filter((bed) => alarmsByBed.get(bed.id)?.offline ?? bed.offline);
  useAlarmSound(
    useMemo(() => ({ ...loudest([...alarmsByBed.values()]), reminders }), [alarmsByBed, reminders]),
  );

  const { columns, rows } = tileGrid(beds.length);
  const groups = bedGroups(beds);
  return (
    <main className="central" data-testid="central-station">
      <h1 className="visually-hidden">{strings.central.title}</h1>
      <p
        className="central__urgent"
        data-testid="most-urgent"
        data-priority={urgent?.top?.priority ?? 'none'}
        data-state={urgent?.top?.state ?? 'none'}
        aria-live="polite"
      >
        {urgent?.top ? (
          <a
            className="central__urgent-link"
            href={routeHref({ view: 'bed', bedId: urgent.bedId })}
          >
            <span className="central__urgent-tag">{strings.central.urgent}</span>
            {strings.central.urgentOpen(urgent.label, urgent.top.message)}
          </a>
        ) : offlineBeds.length > 0 ? (
          <span data-testid="offline-beds">{strings.central.bedsOffline(offlineBeds.length)}</span>
        ) : (
          strings.central.allQuiet
        )}
      </p>
      {groups ? (
        // A hospital central station: each workstation's beds under its unit and name, every
        // row of tiles as high as any other.
        <div className="central__groups" aria-label={strings.central.bedsRegion} role="region">
          {groups.map((group) => {
            const groupRows = Math.ceil(group.beds.length / columns);
            return (
              <section
                key={group.key}
                className="central__group"
                style={{ flexGrow: groupRows }}
                aria-label={strings.central.group(group.unit, group.workstationName)}
                data-testid="bed-group"
              >
                <h2 className="central__group-title">
                  {strings.central.group(group.unit, group.workstationName)}
                </h2>
                <div
                  className="central__beds"
                  style={{
                    gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
                    gridTemplateRows: `repeat(${groupRows}, minmax(0, 1fr))`,
                  }}
                >
                  {group.beds.map((bed) => (
                    <BedTile key={bed.id} client={client} bed={bed} onAlarms={onAlarms} />
                  ))}
                </div>
              </section>
            );
          })}
        </div>
      ) : (
        <section
          className="central__beds"
          aria-label={strings.central.bedsRegion}
          style={{
            gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
            gridTemplateRows: `repeat(${rows}, minmax(0, 1fr))`,
          }}
        >
          {beds.map((bed) => (
            <BedTile key={bed.id} client={client} bed={bed} onAlarms={onAlarms} />
          ))}
        </section>
      )}
    </main>
  );
}

/** One sound for the station: the loudest bed's. */
function loudest(beds: readonly BedAlarms[]): AlarmAudio {
  let audio = quietBedAlarms().alarmAudio;
  for (const bed of beds) {
    const rank = bed.audio.sounding ? soundRank[bed.audio.sounding] : 0;
    const current = audio.sounding ? soundRank[audio.sounding] : 0;
    if (rank > current) audio = bed.audio;
  }
  return audio;
}
