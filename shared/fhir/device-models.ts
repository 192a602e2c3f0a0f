// The maker and model behind each workstation driver id (README "Devices"), for FHIR Device.
// A driver not listed here is named by its id alone: nothing is guessed.

export interface DeviceModel {
  manufacturer: string;
  model: string;
}

const MODELS: Readonly<Record<string, DeviceModel>> = {
  healthypi5: { manufacturer: 'ProtoCentral', model: 'HealthyPi 5' },
  healthypi4: { manufacturer: 'ProtoCentral', model: 'HealthyPi v4' },
  'cms50-v7': { manufacturer: 'Contec', model: 'CMS50D+/E/F' },
  'cms50-v5': { manufacturer: 'Contec', model: 'CMS50D+' },
  'masimo-ascii': { manufacturer: 'Masimo', model: 'Radical-7 / Rad-8 / Radical-5' },
  'nonin-2': { manufacturer: 'Nonin', model: 'OEM III' },
  'nonin-7': { manufacturer: 'Nonin', model: 'Xpod' },
  'nonin-8': { manufacturer: 'Nonin', model: 'Onyx 9560' },
  'openbci-cyton': { manufacturer: 'OpenBCI', model: 'Cyton' },
  'intellivue-mib': { manufacturer: 'Philips', model: 'IntelliVue' },
  'datex-s5': { manufacturer: 'GE Datex-Ohmeda', model: 'S/5' },
  'omron-hem790it': { manufacturer: 'Omron', model: 'HEM-790IT' },
};

export function deviceModelOf(driver: string): DeviceModel | null {
  return Object.hasOwn(MODELS, driver) ? MODELS[driver]! : null;
}
