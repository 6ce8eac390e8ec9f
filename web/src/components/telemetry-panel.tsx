import { useLiveVersion } from '../live';
import { useSession } from '../session-context';
import { useLoad } from '../use-load';
import { Panel } from './panel';
import { TelemetryChart } from './telemetry-chart';

/** The telemetry of one shipment or one unit, a chart per metric; refetched when one of its excursions opens or closes. */
export function TelemetryPanel({ subject }: { subject: { shipmentId: string } | { equipmentId: string } }) {
  const { api } = useSession();
  const key = 'shipmentId' in subject ? subject.shipmentId : subject.equipmentId;
  const title = 'shipmentId' in subject ? `Shipment ${subject.shipmentId}` : `Unit ${subject.equipmentId}`;
  const version = useLiveVersion((e) => e.type.startsWith('excursion.') && ('equipmentId' in subject ? e.equipmentId === key : true));
  const telemetry = useLoad(() => api.GET('/v1/telemetry', { params: { query: { ...subject, maxPoints: 600 } } }), [api, key, version]);
  return (
    <Panel loaded={telemetry} label={`telemetry of ${title.toLowerCase()}`}>
      {(t) =>
        t.series.length === 0 ? (
          <p>{title}: no readings yet.</p>
        ) : (
          t.series.map((s) => <TelemetryChart key={s.metric} series={s} telemetry={t} title={title} />)
        )
      }
    </Panel>
  );
}
