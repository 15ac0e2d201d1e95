# pragma version ~=0.4.3
"""
@title Test USDC for the GP4U dev chain
@notice A minimal ERC-20 with configurable decimals (6 for USDC) and owner-only
        minting. The rig deploys it twice: once as "the" USDC the watcher is
        configured with, and again as a fake token whose identical Transfer events
        the watcher must ignore (only the configured contract address counts).
        Like real USDC, the owner can blacklist an address: every transfer from or
        to it (and by it, for transferFrom) reverts, so a payout can be made to fail.
"""

event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    value: uint256

event Approval:
    owner: indexed(address)
    spender: indexed(address)
    value: uint256

name: public(String[32])
symbol: public(String[16])
decimals: public(uint8)
totalSupply: public(uint256)
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])
owner: public(address)
isBlacklisted: public(HashMap[address, bool])


@deploy
def __init__(_name: String[32], _symbol: String[16], _decimals: uint8):
    self.name = _name
    self.symbol = _symbol
    self.decimals = _decimals
    self.owner = msg.sender


@internal
def _transfer(_from: address, _to: address, _value: uint256):
    assert _to != empty(address), "transfer to the zero address"
    assert not self.isBlacklisted[_from], "Blacklistable: account is blacklisted"
    assert not self.isBlacklisted[_to], "Blacklistable: account is blacklisted"
    assert self.balanceOf[_from] >= _value, "transfer amount exceeds balance"
    self.balanceOf[_from] -= _value
    self.balanceOf[_to] += _value
    log Transfer(sender=_from, receiver=_to, value=_value)


@external
def transfer(_to: address, _value: uint256) -> bool:
    self._transfer(msg.sender, _to, _value)
    return True


@external
def transferFrom(_from: address, _to: address, _value: uint256) -> bool:
    assert not self.isBlacklisted[msg.sender], "Blacklistable: account is blacklisted"
    assert self.allowance[_from][msg.sender] >= _value, "transfer amount exceeds allowance"
    self.allowance[_from][msg.sender] -= _value
    self._transfer(_from, _to, _value)
    return True


@external
def approve(_spender: address, _value: uint256) -> bool:
    self.allowance[msg.sender][_spender] = _value
    log Approval(owner=msg.sender, spender=_spender, value=_value)
    return True


@external
def mint(_to: address, _value: uint256):
    """@notice Owner-only: create tokens, emitting Transfer from the zero address."""
    assert msg.sender == self.owner, "only the owner can mint"
    assert _to != empty(address), "mint to the zero address"
    self.totalSupply += _value
    self.balanceOf[_to] += _value
    log Transfer(sender=empty(address), receiver=_to, value=_value)


@external
def blacklist(_account: address):
    """@notice Owner-only: transfers from or to `_account` revert from now on."""
    assert msg.sender == self.owner, "only the owner can blacklist"
    self.isBlacklisted[_account] = True


@external
def unBlacklist(_account: address):
    """@notice Owner-only: lift a blacklisting."""
    assert msg.sender == self.owner, "only the owner can blacklist"
    self.isBlacklisted[_account] = False
