// Symbols for states a nurse must see at a glance beside their words: alarms off (a crossed
// bell), alarm audio off (a crossed speaker), audio paused, no device (a pulled plug). Drawn as
// SVG in the text colour: the screens' fonts have no such symbols.
export type StateIconName = 'bell-off' | 'audio-off' | 'audio-paused' | 'unplugged';

const PATHS: Record<StateIconName, string[]> = {
  'bell-off': [
    'M6 17h12l-1.6-2.2V10a4.4 4.4 0 0 0-8.8 0v4.8Z',
    'M10.2 19.5a1.9 1.9 0 0 0 3.6 0',
    'M3.5 3.5 20.5 20.5',
  ],
  'audio-off': ['M4 9.5h3.5L12 5.5v13l-4.5-4H4Z', 'M15.5 9.5l5 5', 'M20.5 9.5l-5 5'],
  'audio-paused': ['M4 9.5h3.5L12 5.5v13l-4.5-4H4Z', 'M16 8.5v7', 'M20 8.5v7'],
  unplugged: ['M8 3v4', 'M14 3v4', 'M6 7h10v4a5 5 0 0 1-10 0Z', 'M11 16v5', 'M3.5 3.5 20.5 20.5'],
};

export function StateIcon({ name, className }: { name: StateIconName; className?: string }) {
  return (
    <svg
      className={className ? `state-icon ${className}` : 'state-icon'}
      viewBox="0 0 24 24"
      width="1em"
      height="1em"
      fill="none"
      stroke="currentColor"
      strokeWidth={2.2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      data-icon={name}
    >
      {PATHS[name].map((d) => (
        <path key={d} d={d} />
      ))}
    </svg>
  );
}
