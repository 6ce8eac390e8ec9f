ALTER TABLE "equipment_daily_telemetry" DROP CONSTRAINT "equipment_daily_telemetry_equipment_id_equipment_id_fk";
--> statement-breakpoint
ALTER TABLE "equipment_daily_telemetry" DROP CONSTRAINT "equipment_daily_telemetry_equipment_id_metric_day_pk";--> statement-breakpoint
ALTER TABLE "equipment_daily_telemetry" ADD CONSTRAINT "equipment_daily_telemetry_equipment_id_day_metric_pk" PRIMARY KEY("equipment_id","day","metric");