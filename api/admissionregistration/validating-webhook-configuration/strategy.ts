// ValidatingWebhookConfiguration strategy: the shared webhook defaults and validation.

import { webhookConfigurationStrategy } from '../webhook.ts';

export const validatingWebhookConfigurationStrategy = webhookConfigurationStrategy(false);
