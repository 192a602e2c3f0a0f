// Across the top of every screen while this screen cannot sound an alarm: a banner that is itself
// the button that lets it sound (a browser plays nothing until a person clicks the page), or, where
// there is no audio at all, a plain statement of it. The host is told either way (ScreenReport).
import { strings } from '../../strings';
import { StateIcon } from '../StateIcon';
import type { SoundAvailability } from './sound-availability';
import { unlockSound } from './sound-availability';

export function SoundBanner({ availability }: { availability: SoundAvailability }) {
  if (availability === 'running') return null;
  if (availability === 'unavailable') {
    return (
      <p className="sound-banner" role="alert" data-testid="sound-banner" data-sound={availability}>
        <StateIcon name="audio-off" />
        {strings.sound.unavailable}
      </p>
    );
  }
  return (
    <button
      type="button"
      className="sound-banner sound-banner--button"
      data-testid="sound-banner"
      data-sound={availability}
      onClick={unlockSound}
    >
      <StateIcon name="audio-off" />
      {strings.sound.blocked}
    </button>
  );
}
