/** How loud an alert for coordinators is: the database's column, the workflow's notify and the API's list share these. */
export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
