// MutatingWebhookConfiguration strategy: the shared webhook defaults and validation, plus
// reinvocationPolicy (Never by default).

import { webhookConfigurationStrategy } from '../webhook.ts';

export const mutatingWebhookConfigurationStrategy = webhookConfigurationStrategy(true);
