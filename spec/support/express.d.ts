/**
 * The part of Express 5's API that examples/08_express.ts and spec/integrations/express use, as
 * @types/express types it. express itself is installed (a dependency of @nestjs/platform-express,
 * and a devDependency here); @types/express is not, so this stands in for it. An app installs
 * @types/express instead. Delete this file once @types/express is a devDependency.
 */
declare module 'express' {
  import type { IncomingMessage, Server, ServerResponse } from 'node:http';

  /** `{ id: string }` for `'/users/:id'`, as @types/express infers route parameters. */
  type RouteParameters<Route extends string> = Route extends `${string}:${infer Name}/${infer Rest}`
    ? { [K in Name]: string } & RouteParameters<`/${Rest}`>
    : Route extends `${string}:${infer Name}`
      ? { [K in Name]: string }
      : Record<never, string>;

  export interface Request<Params = Record<string, string>> extends IncomingMessage {
    params: Params;
  }
  export interface Response extends ServerResponse {
    status(code: number): this;
    set(field: string, value: string): this;
    json(body: unknown): this;
  }
  export type RequestHandler<Params = Record<string, string>> = (
    req: Request<Params>,
    res: Response,
    next: (error?: unknown) => void,
  ) => unknown;
  export interface Express {
    (req: IncomingMessage, res: ServerResponse): void;
    get<Route extends string>(path: Route, ...handlers: RequestHandler<RouteParameters<Route>>[]): this;
    listen(port: number, hostname: string, callback?: (error?: Error) => void): Server;
  }
  export default function express(): Express;
}
