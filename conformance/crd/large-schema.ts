// A CRD schema as large as real operators ship (close to 1 MB of JSON): many nested object
// properties with descriptions, enums and patterns, the shape generated CRDs take.

export function largeCrd(group: string, targetBytes = 950_000): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  let size = 0;
  for (let i = 0; size < targetBytes; i++) {
    const field = {
      type: 'object',
      description: `Settings of component ${i}. `.repeat(8),
      properties: {
        image: { type: 'string', description: 'The container image to run, with a registry, a repository and a tag or digest.' },
        replicas: { type: 'integer', minimum: 0, maximum: 100, default: 1, description: 'How many copies to run.' },
        mode: { type: 'string', enum: ['Auto', 'Manual', 'Disabled'], description: 'How the component is managed.' },
        labels: { type: 'object', additionalProperties: { type: 'string' }, description: 'Labels added to what it makes.' },
        ports: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', required: ['name'], properties: { name: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' }, port: { type: 'integer' } } } },
      },
    };
    props[`component${i}`] = field;
    size += JSON.stringify(field).length + 16;
  }
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `bigs.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'bigs', singular: 'big', kind: 'Big' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: props } } } } }],
    },
  };
}
