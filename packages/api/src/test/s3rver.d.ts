/** The part of s3rver 3.x (which ships no types) our tests use; see its README. */
declare module "s3rver" {
  import type { IncomingMessage, ServerResponse } from "node:http";
  import type { AddressInfo } from "node:net";

  export type S3rverOptions = {
    address?: string;
    port?: number;
    silent?: boolean;
    serviceEndpoint?: string;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    /** `configs` are raw XML documents: CORSConfiguration or WebsiteConfiguration. */
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  };

  export default class S3rver {
    constructor(options?: S3rverOptions);
    /** Creates the configured buckets, then listens. */
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
    /** Creates the configured buckets without listening (for use with `callback()`). */
    configureBuckets(): Promise<void>;
    /** A request listener for `http.createServer()`. */
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
    reset(): void;
  }
}
