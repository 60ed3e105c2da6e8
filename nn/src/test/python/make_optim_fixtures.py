#!/usr/bin/python3
"""Writes the PyTorch 1.13 oracle for org.jgrad.nn.optim: OptimizerParityTest and SchedulerParityTest read it.

    /usr/bin/python3 nn/src/test/python/make_optim_fixtures.py   # from the repository root

For every optimizer configuration below, a 6-5-3 MLP (Linear, Tanh, Linear; MSE loss; float64 unless the name ends
in _f32) starts from the same fixed weights, takes 10 full-batch steps on fixed data, and the final parameters and
the 10 losses are stored. Scheduler configurations store the learning rates (and the cycled momentum of OneCycleLR)
after construction and after each of N steps (N < total_steps for OneCycleLR: PyTorch extrapolates past the
last phase at step total_steps, where jgrad holds the final rate). The Java tests list the same configurations by name; a name on one
side only fails the test. Output: nn/src/test/resources/org/jgrad/nn/optim/optim_fixtures.safetensors, written by
hand from numpy (8-byte little-endian header length, JSON header, raw little-endian data) so that the fixture does
not depend on the safetensors package.
"""
import json
import math
import os
import struct

import numpy as np
import torch

STEPS = 10
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'resources', 'org', 'jgrad', 'nn', 'optim',
                   'optim_fixtures.safetensors')

# name -> (optimizer class, keyword arguments, per-step extras). Groups: "groups" splits layer 0 and layer 2.
OPTIMIZERS = {
    'sgd': (torch.optim.SGD, dict(lr=0.1), {}),
    'sgd_momentum': (torch.optim.SGD, dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01), {}),
    'sgd_nesterov': (torch.optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3), {}),
    'sgd_groups': (torch.optim.SGD, dict(lr=0.1, momentum=0.5), {'groups': dict(lr=0.02, weight_decay=0.1)}),
    'adam': (torch.optim.Adam, dict(lr=0.01), {}),
    'adam_amsgrad_wd': (torch.optim.Adam, dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05,
                                               amsgrad=True), {}),
    'adam_clip_norm': (torch.optim.Adam, dict(lr=0.05), {'clip_norm': (0.5, 2.0)}),
    'adam_f32': (torch.optim.Adam, dict(lr=0.01, weight_decay=0.01), {}),
    'adamw': (torch.optim.AdamW, dict(lr=0.01, weight_decay=0.1), {}),
    'adamw_amsgrad': (torch.optim.AdamW, dict(lr=0.03, betas=(0.85, 0.995), eps=1e-7, amsgrad=True), {}),
    'rmsprop': (torch.optim.RMSprop, dict(lr=0.01), {}),
    'rmsprop_centered_momentum': (torch.optim.RMSprop, dict(lr=0.005, alpha=0.9, eps=1e-6, weight_decay=0.01,
                                                            momentum=0.8, centered=True), {}),
    'rmsprop_momentum_clip_inf': (torch.optim.RMSprop, dict(lr=0.01, momentum=0.5),
                                  {'clip_norm': (0.05, math.inf)}),
    'sgd_steplr_clip_value': (torch.optim.SGD, dict(lr=0.2, momentum=0.9),
                              {'clip_value': 0.01, 'scheduler': (torch.optim.lr_scheduler.StepLR,
                                                                 dict(step_size=3, gamma=0.5))}),
}

# name -> (optimizer class, its keyword arguments, scheduler class or factory, its keyword arguments, steps); two groups.
SCHEDULERS = {
    'step': (torch.optim.SGD, dict(lr=0.1), torch.optim.lr_scheduler.StepLR, dict(step_size=3, gamma=0.5), 12),
    'multistep': (torch.optim.SGD, dict(lr=0.1), torch.optim.lr_scheduler.MultiStepLR,
                  dict(milestones=[2, 5, 5, 9], gamma=0.3), 12),
    'cosine': (torch.optim.SGD, dict(lr=0.1), torch.optim.lr_scheduler.CosineAnnealingLR,
               dict(T_max=10, eta_min=0.001), 35),
    'linear': (torch.optim.SGD, dict(lr=0.1), torch.optim.lr_scheduler.LinearLR,
               dict(start_factor=0.25, end_factor=1.0, total_iters=5), 8),
    'onecycle_sgd': (torch.optim.SGD, dict(lr=0.1, momentum=0.9), torch.optim.lr_scheduler.OneCycleLR,
                     dict(max_lr=[0.1, 0.05], total_steps=20), 19),
    'onecycle_adam': (torch.optim.Adam, dict(lr=0.1), torch.optim.lr_scheduler.OneCycleLR,
                      dict(max_lr=0.01, total_steps=17, pct_start=0.25, div_factor=10.0, final_div_factor=100.0),
                      16),
    'onecycle_three_phase_linear': (torch.optim.SGD, dict(lr=0.1, momentum=0.9), torch.optim.lr_scheduler.OneCycleLR,
                                    dict(max_lr=0.2, total_steps=15, pct_start=0.4, anneal_strategy='linear',
                                         three_phase=True), 14),
    'sequential': (torch.optim.SGD, dict(lr=0.1), lambda opt: torch.optim.lr_scheduler.SequentialLR(
        opt, [torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=3),
              torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=8, eta_min=0.001)], milestones=[3]), {}, 14),
}


def model(dtype):
    torch.manual_seed(0)  # only the data below is used: the weights are overwritten with the fixed ones
    net = torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3)).to(dtype)
    with torch.no_grad():
        for name, p in net.named_parameters():
            p.copy_(torch.from_numpy(INIT[name]).to(dtype))
    return net


def run_optimizer(name, cls, kwargs, extras):
    dtype = torch.float32 if name.endswith('_f32') else torch.float64
    net = model(dtype)
    x, y = torch.from_numpy(X).to(dtype), torch.from_numpy(Y).to(dtype)
    if 'groups' in extras:
        params = [{'params': net[0].parameters()}, dict(params=net[2].parameters(), **extras['groups'])]
    else:
        params = net.parameters()
    opt = cls(params, **kwargs)
    sched = extras['scheduler'][0](opt, **extras['scheduler'][1]) if 'scheduler' in extras else None
    losses = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(net(x), y)
        loss.backward()
        if 'clip_norm' in extras:
            torch.nn.utils.clip_grad_norm_(net.parameters(), *extras['clip_norm'])
        if 'clip_value' in extras:
            torch.nn.utils.clip_grad_value_(net.parameters(), extras['clip_value'])
        opt.step()
        if sched is not None:
            sched.step()
        losses.append(loss.item())
    out = {f'{name}.final.{k}': v.detach().numpy() for k, v in net.named_parameters()}
    out[f'{name}.losses'] = np.array(losses, dtype=np.float64)
    return out


def run_scheduler(name, ocls, okwargs, scls, skwargs, steps):
    a, b = torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)
    opt = ocls([{'params': [a]}, {'params': [b], 'lr': okwargs['lr'] / 4}], **okwargs)
    sched = scls(opt, **skwargs)
    lrs, momenta = [], []
    for i in range(steps + 1):
        if i > 0:
            opt.step()
            sched.step()
        lrs.append([g['lr'] for g in opt.param_groups])
        momenta.append([g['betas'][0] if 'betas' in g else g['momentum'] for g in opt.param_groups])
    out = {f'sched.{name}.lr': np.array(lrs, dtype=np.float64)}
    if name.startswith('onecycle'):
        out[f'sched.{name}.momentum'] = np.array(momenta, dtype=np.float64)
    return out


def write_safetensors(path, tensors):
    dtypes = {np.dtype('float64'): 'F64', np.dtype('float32'): 'F32'}
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name])
        raw = a.astype(a.dtype.newbyteorder('<')).tobytes()
        header[name] = {'dtype': dtypes[a.dtype], 'shape': list(a.shape), 'data_offsets': [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * (-len(text) % 8)  # the format pads the header with spaces so the data starts 8-byte aligned
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)


rng = np.random.default_rng(20260127)
INIT = {'0.weight': rng.uniform(-0.6, 0.6, (5, 6)), '0.bias': rng.uniform(-0.3, 0.3, 5),
        '2.weight': rng.uniform(-0.6, 0.6, (3, 5)), '2.bias': rng.uniform(-0.3, 0.3, 3)}
X = rng.normal(0.0, 1.0, (8, 6))
Y = rng.normal(0.0, 0.7, (8, 3))

if __name__ == '__main__':
    fixtures = {f'init.{k}': v for k, v in INIT.items()}
    fixtures['data.x'], fixtures['data.y'] = X, Y
    for n, (c, kw, ex) in OPTIMIZERS.items():
        fixtures.update(run_optimizer(n, c, kw, ex))
    for n, spec in SCHEDULERS.items():
        fixtures.update(run_scheduler(n, *spec))
    write_safetensors(OUT, fixtures)
    print(f'wrote {len(fixtures)} tensors to {os.path.normpath(OUT)}')
