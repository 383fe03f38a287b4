// The etcd backend of the store contract. Tests and benchmarks start a real etcd with
// ./harness.ts (kept out of this entry point: it is a test tool).
export { openEtcdBackend, EtcdBackend, type EtcdBackendOptions } from './backend.ts';
