// The devices requests of the contract (spread into `requests` in contract.ts).
export const devicesRequests = {} as const;
