// simple-hl7 ships no types: the part the tests use, as its README documents it. Tests only: it is
// the independent parser and MLLP peer our HL7 is checked against.
declare module 'simple-hl7' {
  interface Segment {
    name: string;
    getField(index: number): string;
    getComponent(field: number, component: number): string;
    fields: unknown[];
  }
  interface Message {
    header: Segment & {
      /** The characters toString() writes with (and declares in MSH-2). */
      delimiters: {
        fieldSeperator: string;
        componentSeperator: string;
        subcomponentSeperator: string;
        escapeCharacter: string;
        repititionCharacter: string;
        segmentSeperator: string;
      };
    };
    segments: Segment[];
    getSegment(name: string): Segment;
    getSegments(name: string): Segment[];
    addSegment(name: string, ...fields: unknown[]): void;
    log(): string;
    toString(): string;
  }
  interface TcpClient {
    send(msg: Message, callback: (error: Error | null, ack?: Message) => void): void;
    close?(): void;
  }
  interface Req {
    msg: Message;
    raw: string;
    type: string;
    event: string;
  }
  interface Res {
    ack: Message;
    end(): void;
  }
  const hl7: {
    Parser: new (options?: unknown) => { parse(text: string): Message };
    Message: new (...headerFields: unknown[]) => Message;
    /** A field of several repetitions, each a value or a list of components. */
    Field: new (...repetitions: unknown[]) => unknown;
    Server: {
      createTcpClient(
        host: string | { host: string; port: number; keepalive?: boolean },
        port?: number,
      ): TcpClient;
    };
    tcp(options?: unknown): {
      use(handler: (req: Req, res: Res, next: (error?: unknown) => void) => void): void;
      start(port: number, encoding?: string, options?: unknown): void;
      stop(): void;
    };
  };
  export type { Message, Segment, TcpClient };
  export default hl7;
}
