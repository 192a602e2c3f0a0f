// A bed's waves, each a sweep in the bedside's order and colours: the workstation's bedside and
// the telehealth viewer draw the same.
import type { WaveformChannel } from '../../../shared/model/schemas';
import { orderWaveforms, waveformColour } from '../clinical/parameters';
import { strings } from '../strings';
import { Waveform } from './Waveform';
import type { WaveformFeeds } from './waveform/waveform-feed';

export function BedWaveforms({
  channels,
  feeds,
  className = 'bedside__waveforms',
}: {
  channels: readonly WaveformChannel[];
  feeds: WaveformFeeds;
  className?: string;
}) {
  return (
    <section className={className} aria-label={strings.waveformsRegion}>
      {orderWaveforms([...channels]).map((channel) => (
        <Waveform
          key={`${channel.deviceId}/${channel.refId}`}
          feed={feeds.ensure(channel.deviceId, channel.refId, channel.rateHz)}
          label={channel.label}
          color={waveformColour(channel.refId)}
          scale={channel.scale}
          unit={channel.unit}
        />
      ))}
    </section>
  );
}
