// The strips requests of the contract (spread into `requests` in contract.ts).
export const stripsRequests = {} as const;
