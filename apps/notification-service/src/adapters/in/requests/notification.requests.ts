import { IsString, Length, registerDecorator, ValidateIf, type ValidationArguments } from 'class-validator';
import { IsOptionalProto } from '#libs/validation';
import { CHANNELS, isChannel, type Channel } from '../../../domain/channel.js';
import { CONTACT_LIMITS } from '../../../domain/customer-contact.js';

/**
 * The request rules of NotificationService, written once with class-validator and applied to the
 * legacy REST body, the /v1 REST bodies and gRPC messages alike (field names are the JSON names).
 * Each field yields at most one violation, worded for the caller. The contact's own rules
 * (address formats, the preferred channel's address) are the domain's.
 */
export const MESSAGE_LIMITS = Object.freeze({ subjectMaxLength: 200, emailBodyMaxLength: 2000, smsBodyMaxLength: 1600 });
const ID_MAX = CONTACT_LIMITS.customerIdMaxLength;

type Limit = number | ((request: object) => number);

/**
 * A required, non-blank string of at most `max` characters (proto3: '' is "not set", so it is
 * missing too). `requiredFor` finishes the "is required" sentence, e.g. "for an e-mail".
 */
function IsText(max: Limit, requiredFor = ''): PropertyDecorator {
  const limit = (args: ValidationArguments) => (typeof max === 'number' ? max : max(args.object));
  return (target: object, property: string | symbol) =>
    registerDecorator({
      name: 'isText',
      target: target.constructor,
      propertyName: String(property),
      validator: {
        validate: (value: unknown, args: ValidationArguments) => typeof value === 'string' && value.trim().length > 0 && value.length <= limit(args),
        defaultMessage: (args: ValidationArguments) => {
          const value: unknown = args.value;
          const name = args.property;
          if (value === undefined || value === null || value === '') return `${name} is required${requiredFor ? ` ${requiredFor}` : ''}`;
          if (typeof value !== 'string') return `${name} must be a string`;
          if (value.trim().length === 0) return `${name} must not be blank`;
          return `${name} must be at most ${limit(args)} characters`;
        },
      },
    });
}

/** One of the channels, "email" or "sms". */
function IsChannelName(): PropertyDecorator {
  return (target: object, property: string | symbol) =>
    registerDecorator({
      name: 'isChannelName',
      target: target.constructor,
      propertyName: String(property),
      validator: {
        validate: (value: unknown) => isChannel(value),
        defaultMessage: (args: ValidationArguments) =>
          args.value === undefined || args.value === null || args.value === ''
            ? `${args.property} is required ("${CHANNELS.join('" or "')}")`
            : `${args.property} must be "${CHANNELS.join('" or "')}"`,
      },
    });
}

export class SendNotificationRequest {
  @IsText(ID_MAX)
  userId!: string;

  @IsChannelName()
  notificationType!: Channel;

  // An SMS has no subject; whatever is sent is ignored.
  @ValidateIf((r: SendNotificationRequest) => r.notificationType === 'email')
  @IsText(MESSAGE_LIMITS.subjectMaxLength, 'for an e-mail')
  subject?: string;

  @IsText((r) => ((r as SendNotificationRequest).notificationType === 'sms' ? MESSAGE_LIMITS.smsBodyMaxLength : MESSAGE_LIMITS.emailBodyMaxLength))
  message!: string;
}

export class CustomerIdRequest {
  @IsText(ID_MAX)
  customerId!: string;
}

export class SetCustomerContactRequest extends CustomerIdRequest {
  @IsOptionalProto()
  @IsString({ message: 'email must be a string' })
  @Length(0, CONTACT_LIMITS.emailMaxLength, { message: `email must be at most ${CONTACT_LIMITS.emailMaxLength} characters` })
  email?: string;

  @IsOptionalProto()
  @IsString({ message: 'phone must be a string' })
  @Length(0, 32, { message: 'phone must be at most 32 characters' })
  phone?: string;

  @IsChannelName()
  preferredChannel!: Channel;
}
