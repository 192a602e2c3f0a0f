// The HealthyPi 5 worked example of ../shared/protocols/README.md §2a, as bytes.
export const HEALTHYPI5_WORKED_EXAMPLE = Buffer.from(
  '0A FA 16 00 02 78 EC FF FF 20 4E 00 00 00 40 0D 03 00 50 34 03 00 42 0E 62 48 10 00 0B'.replace(
    / /g,
    '',
  ),
  'hex',
);
