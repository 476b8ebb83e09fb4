{{/* Names and shared blocks of the scn-platform chart. */}}

{{- define "scn.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}

{{- define "scn.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "scn.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "scn.image" -}}
{{ printf "%s:%s" .Values.image.repository .Values.image.tag }}
{{- end -}}

{{- define "scn.serviceAccount" -}}
{{ .Values.serviceAccount.name | default (include "scn.fullname" .) }}
{{- end -}}

{{- define "scn.claim" -}}
{{ .Values.scnHome.existingClaim | default (printf "%s-home" (include "scn.fullname" .)) }}
{{- end -}}

{{/* Environment of every container: plain settings from the env ConfigMap, secrets from existing Secrets, the
     PostgreSQL password from its Secret (the variable the instance config reads). */}}
{{- define "scn.envFrom" -}}
- configMapRef:
    name: {{ include "scn.fullname" . }}-env
{{- range .Values.envSecrets }}
- secretRef:
    name: {{ . }}
{{- end }}
{{- end -}}

{{- define "scn.pgPasswordEnv" -}}
- name: DAGSTER_PG_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.postgres.passwordSecret }}
      key: postgresql-password
{{- end -}}

{{- define "scn.instanceVolume" -}}
- name: dagster-instance
  configMap:
    name: {{ include "scn.fullname" . }}-instance
- name: scn-home
  persistentVolumeClaim:
    claimName: {{ include "scn.claim" . }}
{{- end -}}

{{- define "scn.instanceMounts" -}}
- name: dagster-instance
  mountPath: {{ .Values.dagster.home }}/dagster.yaml
  subPath: dagster.yaml
- name: scn-home
  mountPath: {{ .Values.scnHome.mountPath }}
{{- end -}}
