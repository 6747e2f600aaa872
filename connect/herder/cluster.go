package herder

import (
	"context"
	"fmt"

	"github.com/IBM/sarama"
	"github.com/onecconnect/onecconnect/connect/runtime"
)

// lookupClusterID asks the Kafka cluster for its id (Metadata v2+), as
// Kafka Connect does at startup for GET /.
func lookupClusterID(ctx context.Context, wc *runtime.WorkerConfig) (string, error) {
	cc, err := runtime.NewClientConfig(wc, runtime.AdminClient, nil, "connect-cluster-id")
	if err != nil {
		return "", err
	}
	type result struct {
		id  string
		err error
	}
	done := make(chan result, 1)
	go func() {
		client, err := sarama.NewClient(cc.Brokers, cc.Sarama)
		if err != nil {
			done <- result{err: err}
			return
		}
		defer client.Close()
		broker := client.LeastLoadedBroker()
		if broker == nil {
			done <- result{err: fmt.Errorf("no broker available")}
			return
		}
		if err := broker.Open(cc.Sarama); err != nil && err != sarama.ErrAlreadyConnected {
			done <- result{err: err}
			return
		}
		resp, err := broker.GetMetadata(&sarama.MetadataRequest{Version: 4, Topics: []string{}})
		if err != nil {
			done <- result{err: err}
			return
		}
		if resp.ClusterID == nil {
			done <- result{}
			return
		}
		done <- result{id: *resp.ClusterID}
	}()
	select {
	case r := <-done:
		return r.id, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
