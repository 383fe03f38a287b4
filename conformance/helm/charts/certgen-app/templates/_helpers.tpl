{{- define "certgen.labels" -}}
app.kubernetes.io/name: certgen-app
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
{{- define "certgen.service" -}}{{ .Release.Name }}-webhook{{- end }}
{{- define "certgen.secret" -}}{{ .Release.Name }}-webhook-tls{{- end }}
{{- define "certgen.vwc" -}}{{ .Release.Name }}-{{ .Release.Namespace }}-certgen{{- end }}
{{- define "certgen.group" -}}{{ .Release.Name }}.{{ .Release.Namespace }}.certgen.kubets.io{{- end }}
{{- define "certgen.hookrbac" -}}{{ .Release.Name }}-{{ .Release.Namespace }}-certgen{{- end }}
