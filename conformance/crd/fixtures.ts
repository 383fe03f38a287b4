// CRDs the suite installs: a Widget with validation, defaults, CEL, printer columns, status
// and scale subresources, a category, short name and selectable field; each scenario gets a
// group of its own (`<ns>.example.com`) so runs with both kubectl binaries never meet.

/** `short` is the short name: CRDs of scenarios running at once must not share one. */
export function widgetCrd(group: string, o: { versions?: string; short?: string } = {}): string {
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.${group}
spec:
  group: ${group}
  scope: Namespaced
  names:
    plural: widgets
    singular: widget
    kind: Widget
    shortNames: [${o.short ?? 'wd'}]
    categories: [all]
  versions:
${o.versions ?? widgetVersion('v1', true)}`;
}

export function widgetVersion(name: string, storage: boolean): string {
  return `  - name: ${name}
    served: true
    storage: ${storage}
    selectableFields:
    - jsonPath: .spec.color
    additionalPrinterColumns:
    - {name: Color, type: string, jsonPath: .spec.color}
    - {name: Replicas, type: integer, jsonPath: .spec.replicas}
    - {name: Ready, type: string, jsonPath: '.status.conditions[?(@.type=="Ready")].status'}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
    subresources:
      status: {}
      scale:
        specReplicasPath: .spec.replicas
        statusReplicasPath: .status.replicas
        labelSelectorPath: .status.selector
    schema:
      openAPIV3Schema:
        type: object
        description: A Widget is a thing the suite makes.
        properties:
          spec:
            type: object
            description: What the widget should be.
            x-kubernetes-validations:
            - rule: self.replicas <= self.maxReplicas
              messageExpression: "'replicas (' + string(self.replicas) + ') may not exceed maxReplicas (' + string(self.maxReplicas) + ')'"
            - rule: "!has(oldSelf.color) || self.color == oldSelf.color"
              message: color is immutable
            required: [color]
            properties:
              color:
                type: string
                description: The widget's color.
                enum: [red, green, blue]
              replicas: {type: integer, minimum: 0, default: 1}
              maxReplicas: {type: integer, default: 5}
              size: {x-kubernetes-int-or-string: true}
              name: {type: string, maxLength: 10, pattern: '^[a-z]+$'}
              ports:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items:
                  type: object
                  required: [name]
                  properties:
                    name: {type: string}
                    port: {type: integer}
              labels:
                type: object
                additionalProperties: {type: string}
              extra:
                type: object
                x-kubernetes-preserve-unknown-fields: true
          status:
            type: object
            properties:
              replicas: {type: integer}
              selector: {type: string}
              conditions:
                type: array
                items:
                  type: object
                  properties:
                    type: {type: string}
                    status: {type: string}
`;
}

export function widget(group: string, name: string, spec: string, version = 'v1'): string {
  return `apiVersion: ${group}/${version}
kind: Widget
metadata:
  name: ${name}
spec:
${spec
  .trim()
  .split('\n')
  .map((l) => `  ${l}`)
  .join('\n')}
`;
}
