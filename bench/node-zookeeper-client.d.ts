// The peer ships no types; bench/clients.ts describes the part it uses.
declare module "node-zookeeper-client" {
  const nzc: { createClient(connectString: string, options?: object): unknown };
  export default nzc;
}
