package main

import (
	"context"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

// opaDecision is what the Rego policy answers.
type opaDecision struct {
	Allowed bool
	Rule    string
	Ground  string
	Article string
}

type opaEngine struct {
	pq rego.PreparedEvalQuery
}

func newOPA(ctx context.Context, module string) (*opaEngine, error) {
	pq, err := rego.New(
		rego.Query("data.grondslag.decision"),
		rego.Module("grondslag.rego", module),
	).PrepareForEval(ctx)
	if err != nil {
		return nil, err
	}
	return &opaEngine{pq: pq}, nil
}

// decide evaluates one already parsed input (the fastest path OPA offers).
func (o *opaEngine) decide(ctx context.Context, in ast.Value) (opaDecision, error) {
	rs, err := o.pq.Eval(ctx, rego.EvalParsedInput(in))
	if err != nil {
		return opaDecision{}, err
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return opaDecision{}, fmt.Errorf("onverwacht resultaat: %v", rs)
	}
	m, ok := rs[0].Expressions[0].Value.(map[string]any)
	if !ok {
		return opaDecision{}, fmt.Errorf("onverwacht resultaat: %v", rs[0].Expressions[0].Value)
	}
	d := opaDecision{}
	d.Allowed, _ = m["toegestaan"].(bool)
	d.Rule, _ = m["regel"].(string)
	d.Ground, _ = m["grondslag"].(string)
	d.Article, _ = m["artikel"].(string)
	return d, nil
}
