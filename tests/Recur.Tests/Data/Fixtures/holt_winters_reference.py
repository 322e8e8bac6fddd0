#!/usr/bin/env python3
"""Independent reference for HoltWintersTests: damped additive Holt-Winters in the error-correction form
(Hyndman & Athanasopoulos, ETS(A,Ad,A)):
    e_t = y_t - (l + phi*b + s[t-m]);  l += phi*b + alpha*e;  b = phi*b + alpha*beta*e;  s[t] = s[t-m] + gamma*e
where the C# code uses the component form (its beta is the trend smoothing of the level change). Run: python3 holt_winters_reference.py"""
y = [1, 3, 2, 4, 3, 5, 4, 6, 7, 5]
m, alpha, beta, gamma, phi = 2, 0.5, 0.2, 0.3, 0.9

l = sum(y[:m]) / m
b = (sum(y[m:2 * m]) / m - l) / m
s = [v - l for v in y[:m]]
sse = 0.0
states = {}
for t in range(m, len(y)):
    e = y[t] - (l + phi * b + s[t - m])
    sse += e * e
    l = l + phi * b + alpha * e
    b = phi * b + alpha * beta * e
    s.append(s[t - m] + gamma * e)
    states[t] = (l, b)
def forecast(origin, horizon):
    l, b = states[origin - 1]
    out, damp, p = [], 0.0, 1.0
    for h in range(horizon):
        p *= phi; damp += p
        out.append(l + damp * b + s[origin + h - m * (h // m + 1)])
    return out
print("sse", repr(sse))
print("origin 10", [repr(v) for v in forecast(10, 3)])
print("origin 6", [repr(v) for v in forecast(6, 2)])
